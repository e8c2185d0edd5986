import { Controller, Get } from '@nestjs/common';
import { GatewayService, type HelloAnswer } from './gateway.service.js';

@Controller()
export class GatewayController {
  constructor(private readonly gateway: GatewayService) {}

  @Get('hello')
  hello(): Promise<HelloAnswer> {
    return this.gateway.callHello();
  }

  @Get('instances')
  instances(): string[] {
    return this.gateway.instances();
  }
}
