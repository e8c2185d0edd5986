import { Controller, Get } from '@nestjs/common';
import { type HelloAnswer, HelloClient } from './hello.client.js';

@Controller()
export class FetchGatewayController {
  constructor(private readonly hello: HelloClient) {}

  @Get('hello')
  call(): Promise<HelloAnswer> {
    return this.hello.hello();
  }

  @Get('instances')
  instances(): string[] {
    return this.hello.instances();
  }
}
