export {
  BACKOFF_DEFAULTS,
  type BackoffFunction,
  type BackoffOptions,
  exponentialBackoff,
} from './backoff.js';
export {
  EMPTY_SET_PROTECTION_DEFAULTS,
  type EmptySetProtectionOptions,
  type HeldSet,
} from './endpointer/empty-set-guard.js';
export type { EndpointFactory, EndpointHandle } from './endpointer/endpoint-factory.js';
export type { EndpointSource } from './endpointer/endpoint-source.js';
export {
  Endpointer,
  type EndpointerOptions,
  type EndpointsListener,
} from './endpointer/endpointer.js';
export { instanceOnPort, onNamedPort } from './endpointer/named-port.js';
export { InstanceDecodeError } from './errors/instance-decode.error.js';
export { InvalidInstanceError } from './errors/invalid-instance.error.js';
export { InvalidServiceError } from './errors/invalid-service.error.js';
export { NoEndpointsError, type NoEndpointsReason } from './errors/no-endpoints.error.js';
export { RetryError, type RetryErrorDetails, type RetryStopReason } from './errors/retry.error.js';
export * from './formats/index.js';
export {
  decodeGoKitInstance,
  decodeInstance,
  type InstanceDecoder,
  type InstanceDecoderOptions,
  type InstanceNode,
  instanceDecoder,
} from './formats/instance-decoder.js';
export { type DiscoveryHttpAnswer, discoveryHttpAnswer } from './http/discovery-http-answer.js';
export { HttpEndpointError } from './http/http-endpoint.error.js';
export {
  HTTP_ENDPOINT_DEFAULTS,
  type HttpEndpoint,
  type HttpEndpointFactoryOptions,
  httpEndpointFactory,
} from './http/http-endpoint.factory.js';
export { baseUrlOf } from './http/instance-base-url.js';
export { Instancer, type InstancerOptions } from './instancer/instancer.js';
export { InstancerLease, leaseInstancer } from './instancer/instancer-registry.js';
export type { Balancer } from './lb/balancer.js';
export type { CallObserver } from './lb/call-observer.js';
export { type KeyedBalancer, keyAffinity } from './lb/key-affinity.balancer.js';
export {
  LEAST_LOADED_DEFAULTS,
  type LearningBalancer,
  type LeastLoadedOptions,
  leastLoaded,
} from './lb/least-loaded.balancer.js';
export {
  OUTLIER_DETECTION_DEFAULTS,
  type OutlierDetectionOptions,
  resolveOutlierDetection,
} from './lb/outlier-detection.options.js';
export { type EjectedInstance, OutlierDetector } from './lb/outlier-detector.js';
export { random } from './lb/random.balancer.js';
export { retry } from './lb/retry.js';
export {
  defaultShouldRetry,
  RETRY_DEFAULTS,
  type RetryCall,
  type RetryCallOptions,
  type RetryContext,
  type RetryExecutor,
  type RetryOptions,
} from './lb/retry.options.js';
export { roundRobin } from './lb/round-robin.balancer.js';
export {
  ZONE_PREFERENCE_DEFAULTS,
  ZonePreference,
  type ZonePreferenceOptions,
  type ZoneRouting,
} from './lb/zone-preference.js';
export {
  HealthGate,
  REGISTRATION_HEALTH_DEFAULTS,
  type RegistrationHealthOptions,
} from './registrar/health-gate.js';
export {
  Registrar,
  type RegistrarOptions,
  type RegistrationState,
} from './registrar/registrar.js';
export type {
  InstancerSnapshot,
  InstanceSource,
  NamedPort,
  ServiceInstance,
} from './service-instance.js';
export type { ServiceRegistration } from './service-registration.js';
export { MAX_NODE_DATA_BYTES, validateZnodePath } from './service-validation.js';
export {
  type BalancerName,
  type CallContext,
  ZkEndpointer,
  type ZkEndpointerConfig,
} from './zk-endpointer.js';
