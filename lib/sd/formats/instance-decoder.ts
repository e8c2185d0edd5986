import type { ServiceInstance } from '../service-instance.js';
import { decodeCuratorInstance } from './curator.format.js';
import { detectInstanceFormat } from './detect-instance-format.js';
import { decodeGoKitInstance } from './gokit.format.js';
import type { InstanceNode } from './instance-node.js';
import { isTakingTraffic } from './spring.format.js';

export type { InstanceNode };
export { decodeGoKitInstance };

/**
 * Turns a node into an instance. Throws `InstanceDecodeError` saying why it cannot (the node is
 * skipped and logged once); returns undefined for a valid node that must not take traffic (a
 * Spring instance that is not `UP`), which is left out silently.
 */
export type InstanceDecoder = (node: InstanceNode) => ServiceInstance | undefined;

/** Options of {@link instanceDecoder}. */
export interface InstanceDecoderOptions {
  /**
   * Keep Spring instances whose `metadata.instance_status` is not `UP` (Spring's own load
   * balancer leaves them out). @default false
   */
  includeNotUp?: boolean;
}

/**
 * The default decoder: recognises each node's format (go-kit text, Curator JSON, Spring Cloud
 * Zookeeper JSON) and yields one `ServiceInstance` shape whatever wrote it. Curator JSON missing
 * its address or ports, and empty or non-UTF-8 data, throw `InstanceDecodeError`.
 */
export function instanceDecoder(options: InstanceDecoderOptions = {}): InstanceDecoder {
  const includeNotUp = options.includeNotUp ?? false;
  return (node) => {
    const detected = detectInstanceFormat(node.data);
    if (detected.format === 'gokit') return decodeGoKitInstance(node);
    const instance = decodeCuratorInstance(node, detected.json);
    return includeNotUp || isTakingTraffic(instance) ? instance : undefined;
  };
}

/** `instanceDecoder()` with its defaults: what an `Instancer` uses unless given `decode`. */
export const decodeInstance: InstanceDecoder = instanceDecoder();
