import { Controller, Get, Inject, type OnModuleInit, Query } from '@nestjs/common';
import type { ClientGrpc } from '@nestjs/microservices';
import { firstValueFrom, type Observable } from 'rxjs';
import type { HelloReply, HelloRequest } from './greeter.contract.js';

interface Greeter {
  sayHello(request: HelloRequest): Observable<HelloReply>;
}

export const GREETER_CLIENT = 'GREETER';

@Controller()
export class GreeterGatewayController implements OnModuleInit {
  private greeter!: Greeter;

  constructor(@Inject(GREETER_CLIENT) private readonly client: ClientGrpc) {}

  onModuleInit(): void {
    this.greeter = this.client.getService<Greeter>('Greeter');
  }

  /** `GET /hello?name=Ada`: one balanced Greeter instance answers. */
  @Get('hello')
  hello(@Query('name') name = 'world'): Promise<HelloReply> {
    return firstValueFrom(this.greeter.sayHello({ name }));
  }
}
