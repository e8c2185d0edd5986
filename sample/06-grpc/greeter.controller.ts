import { Controller, Inject } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import type { HelloReply, HelloRequest } from './greeter.contract.js';

export const GREETER_NAME = 'greeter:name';

@Controller()
export class GreeterController {
  constructor(@Inject(GREETER_NAME) private readonly name: string) {}

  @GrpcMethod('Greeter', 'SayHello')
  sayHello(request: HelloRequest): HelloReply {
    return { message: `hello ${request.name}`, server: this.name };
  }
}
