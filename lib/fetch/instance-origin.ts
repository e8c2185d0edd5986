import { baseUrlOf, type EndpointFactory, type ServiceInstance } from '../sd/index.js';

/** Where a routed request goes: the origin of one instance (`http://10.0.0.5:8080`). */
export interface InstanceOrigin {
  /** The instance's scheme, host and port, where its requests go. */
  readonly origin: string;
  /** The instance it was made from. */
  readonly instance: ServiceInstance;
}

/**
 * The endpoint factory of a routed host: an instance whose URL is http(s) becomes its origin (the
 * dispatcher's pool for that origin keeps its connections alive); one without is skipped, and
 * logged once by the endpointer.
 */
export const instanceOriginFactory: EndpointFactory<InstanceOrigin> = (instance) => ({
  endpoint: { origin: baseUrlOf(instance).origin, instance },
});
