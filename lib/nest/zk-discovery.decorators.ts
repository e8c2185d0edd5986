import { Inject } from '@nestjs/common';
import { ZK_CLIENT } from './zk-discovery.constants.js';

/** The injection token of the `ZkClient`. */
export function getZkClientToken(): string {
  return ZK_CLIENT;
}

/** Injects the session-safe `ZkClient` of `ZkDiscoveryModule.forRoot()`. */
export function InjectZkClient(): ParameterDecorator & PropertyDecorator {
  return Inject(ZK_CLIENT);
}
