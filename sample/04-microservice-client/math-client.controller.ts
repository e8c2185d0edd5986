import { Controller, Get, Query } from '@nestjs/common';
import type { ClientProxy } from '@nestjs/microservices';
import { InjectClientProxy } from 'nestjs-zk-discovery/microservices';
import { lastValueFrom } from 'rxjs';

/** Where the TCP math service (sample/03-tcp-microservice) registers its instances. */
export const MATH_PATH = '/services/math/tcp';

@Controller()
export class MathClientController {
  constructor(@InjectClientProxy(MATH_PATH) private readonly math: ClientProxy) {}

  /**
   * `GET /sum?numbers=1,2,3`: one balanced instance adds them up. If it cannot be reached, or
   * dies before answering, another one is asked; an error its handler throws comes back as is.
   */
  @Get('sum')
  async sum(@Query('numbers') numbers = ''): Promise<{ sum: number }> {
    const values = numbers.split(',').filter(Boolean).map(Number);
    return { sum: await lastValueFrom(this.math.send<number>({ cmd: 'sum' }, values)) };
  }
}
