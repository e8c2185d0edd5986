import type { ServiceInstance } from '../service-instance.js';
import { dubboStatus } from './dubbo.format.js';
import { FINAGLE_STATUS_ALIVE, FINAGLE_STATUS_KEY } from './finagle.format.js';
import { SPRING_STATUS_KEY, SPRING_STATUS_UP } from './spring.constants.js';

/**
 * The status an instance publishes, where its format has one: Spring's `instance_status`,
 * Finagle's `status`, or why a Dubbo provider takes no traffic (`DISABLED`, `WEIGHT_0`).
 * Undefined for go-kit and Curator instances, and for Dubbo providers that take traffic.
 */
export function instanceStatus(instance: ServiceInstance): string | undefined {
  switch (instance.format) {
    case 'spring':
      return instance.metadata[SPRING_STATUS_KEY];
    case 'finagle':
      return instance.metadata[FINAGLE_STATUS_KEY];
    case 'dubbo':
      return dubboStatus(instance.metadata);
    default:
      return undefined;
  }
}

/**
 * False for an instance its own ecosystem's clients would not call: a Spring instance whose
 * `instance_status` is set and is not `UP` (compared without case), a Finagle member whose
 * `status` is not `ALIVE`, a Dubbo provider that is disabled or has weight 0. True for every
 * other instance.
 */
export function isTakingTraffic(instance: ServiceInstance): boolean {
  const status = instanceStatus(instance);
  switch (instance.format) {
    case 'spring':
      return status === undefined || status.toUpperCase() === SPRING_STATUS_UP;
    case 'finagle':
      return status === FINAGLE_STATUS_ALIVE;
    default:
      return status === undefined;
  }
}
