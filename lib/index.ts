// nestjs-zk-discovery: the Nest module, and the names of the core a Nest app writes (the types of
// what it injects, the options it passes, the errors it catches). Everything else of the core is
// in `nestjs-zk-discovery/core`.

export {
  type CallContext,
  type EmptySetProtectionOptions,
  type EndpointFactory,
  type HttpEndpoint,
  HttpEndpointError,
  type HttpEndpointFactoryOptions,
  httpEndpointFactory,
  type InstanceFormat,
  type InstancerSnapshot,
  NoEndpointsError,
  type NoEndpointsReason,
  type OutlierDetectionOptions,
  type RegistrationHealthOptions,
  type RetryCallOptions,
  RetryError,
  type RetryOptions,
  type ServiceInstance,
  ZkClient,
  type ZkClientOptions,
  ZkConnectError,
  ZkEndpointer,
  ZkError,
  type ZonePreferenceOptions,
} from './core/index.js';
export * from './nest/index.js';
