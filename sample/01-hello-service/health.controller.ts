import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { ZkHealthIndicator } from 'nestjs-zk-discovery/health';

/**
 * `GET /health`: 200 while the ZooKeeper session is up and this instance is registered, 503 with
 * the reason (disconnected since when, session expired, not registered) otherwise.
 */
@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly zookeeper: ZkHealthIndicator,
  ) {}

  @Get('health')
  @HealthCheck()
  check() {
    return this.health.check([() => this.zookeeper.isHealthy('zookeeper')]);
  }
}
