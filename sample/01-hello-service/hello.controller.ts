import { Controller, Get } from '@nestjs/common';
import { HelloIdentity } from './hello.identity.js';

@Controller()
export class HelloController {
  constructor(private readonly identity: HelloIdentity) {}

  @Get('hello')
  hello(): { message: string; instance: string } {
    return { message: 'hello', instance: this.identity.name };
  }
}
