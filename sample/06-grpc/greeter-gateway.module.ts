import { type DynamicModule, Module } from '@nestjs/common';
import { ClientsModule, Transport } from '@nestjs/microservices';
import { ZkDiscoveryModule } from 'nestjs-zk-discovery';
import { ZkGrpcModule, zkChannelOptions } from 'nestjs-zk-discovery/grpc';
import { GREETER_PATH, HELLO_PROTO } from './greeter.contract.js';
import { GREETER_CLIENT, GreeterGatewayController } from './greeter-gateway.controller.js';

/**
 * An HTTP app calling the Greeter through Nest's `ClientGrpc` at `zk:///services/greeter/grpc`:
 * `ZkGrpcModule` lets grpc-js resolve it with the app's ZooKeeper client. Calls are balanced over
 * the instances by our `zk_discovery` policy (here least loaded), with outlier ejection, and a
 * call that ends UNAVAILABLE is tried again on another instance.
 */
@Module({})
export class GreeterGatewayModule {
  static register(servers: string): DynamicModule {
    return {
      module: GreeterGatewayModule,
      imports: [
        ZkDiscoveryModule.forRoot({ servers, logger: false }),
        ZkGrpcModule.forRoot(),
        ClientsModule.register([
          {
            name: GREETER_CLIENT,
            transport: Transport.GRPC,
            options: {
              url: `zk://${GREETER_PATH}`,
              package: 'hello',
              protoPath: HELLO_PROTO,
              channelOptions: zkChannelOptions({ balancer: 'leastLoaded' }),
            },
          },
        ]),
      ],
      controllers: [GreeterGatewayController],
    };
  }
}
