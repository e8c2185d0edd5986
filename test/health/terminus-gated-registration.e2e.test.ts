import 'reflect-metadata';
import { Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { HealthCheckService, HealthIndicatorService, TerminusModule } from '@nestjs/terminus';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { ZkClient } from '../../lib/client/index.js';
import { ZkDiscoveryModule, ZkDiscoveryService } from '../../lib/index.js';
import { ZkHealthIndicator } from '../../lib/nest/health/index.js';
import { uniqueRoot } from '../support/unique-root.js';
import { waitFor } from '../support/wait-for.js';

/** The app's own dependency, as terminus checks it (a database ping, say). */
@Injectable()
class DatabaseIndicator {
  reachable = true;
  constructor(private readonly indicators: HealthIndicatorService) {}
  ping(key: string) {
    const check = this.indicators.check(key);
    return this.reachable ? check.up() : check.down({ message: 'connection refused' });
  }
}

@Module({
  imports: [TerminusModule.forRoot({ logger: false })],
  providers: [DatabaseIndicator],
  exports: [DatabaseIndicator, TerminusModule],
})
class ChecksModule {}

describe("health-gated registration from the app's terminus checks", () => {
  const closers: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const close of closers.reverse()) await close();
  });

  it('forRootAsync injects HealthCheckService: the instance leaves while the database is down, and returns', async () => {
    const root = uniqueRoot('terminus-gate');
    @Module({
      imports: [
        ChecksModule,
        ZkDiscoveryModule.forRootAsync({
          imports: [ChecksModule],
          inject: [HealthCheckService, DatabaseIndicator],
          useFactory: (health: HealthCheckService, database: DatabaseIndicator) => ({
            servers: inject('zkConnect'),
            logger: false,
            registration: {
              path: root,
              name: 'svc',
              // terminus rejects (503) when a check is down: the registration's check fails.
              health: {
                check: () => health.check([() => database.ping('database')]),
                intervalMs: 50,
                failuresToLeave: 2,
                passesToReturn: 2,
              },
            },
          }),
        }),
      ],
      providers: [ZkHealthIndicator],
    })
    class AppModule {}
    const app = await NestFactory.create(AppModule, { logger: false, abortOnError: false });
    closers.push(() => app.close());
    await app.listen(0, '127.0.0.1');
    const discovery = app.get(ZkDiscoveryService);
    await discovery.whenRegistered();
    const observer = await ZkClient.connect({ servers: inject('zkConnect') });
    closers.push(() => observer.close());
    const registered = async () => (await observer.getChildren(`${root}/svc`)).length;
    expect(await registered()).toBe(1);

    app.get(DatabaseIndicator).reachable = false;
    await waitFor(() => discovery.registrationState === 'out-of-service');
    expect(await registered()).toBe(0);
    expect(discovery.outOfService?.by).toBe('health');
    // Its own health endpoint still says the process is up, and why it is out.
    expect((await app.get(ZkHealthIndicator).isHealthy('zk')).zk).toMatchObject({
      status: 'up',
      registration: 'out-of-service',
      by: 'health',
    });

    app.get(DatabaseIndicator).reachable = true;
    await waitFor(() => discovery.registrationState === 'registered');
    expect(await registered()).toBe(1);
  });
});
