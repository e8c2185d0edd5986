import type { ServiceInstance } from '../service-instance.js';
import { decodeCuratorInstance } from './curator.format.js';
import { detectInstanceFormat } from './detect-instance-format.js';
import { decodeDubboProvider, isDubboUrlName } from './dubbo.format.js';
import { decodeFinagleMember } from './finagle.format.js';
import { decodeGoKitInstance } from './gokit.format.js';
import type { InstanceNode } from './instance-node.js';
import { isTakingTraffic } from './instance-status.js';

export type { InstanceNode };
export { decodeGoKitInstance };

/**
 * Turns a node into an instance. Throws `InstanceDecodeError` saying why it cannot (the node is
 * skipped and logged once); returns undefined for a valid node that must not take traffic (a
 * Spring instance that is not `UP`...), which is left out silently.
 */
export interface InstanceDecoder {
  (node: InstanceNode): ServiceInstance | undefined;
  /**
   * The children this decoder reads from their name alone (Dubbo's URL-named providers): an
   * instancer reads no data for them and sets no data watch on them; the decoder gets empty
   * data. @default none: every child's data is read
   */
  readonly decodesFromName?: (name: string) => boolean;
}

/** Options of {@link instanceDecoder}. */
export interface InstanceDecoderOptions {
  /**
   * Keep the instances their own ecosystem's clients leave out: Spring instances whose
   * `metadata.instance_status` is not `UP`, Finagle members whose `status` is not `ALIVE`, Dubbo
   * providers that are disabled or have weight 0. @default false
   */
  includeNotUp?: boolean;
}

/**
 * The default decoder: recognises each node's format (go-kit text, Curator JSON, Spring Cloud
 * Zookeeper JSON, Finagle serverset JSON, a Dubbo provider's URL-encoded name) and yields one
 * `ServiceInstance` shape whatever wrote it. Dubbo providers are read from their names alone.
 * JSON missing its address or ports, a malformed Dubbo name, and empty or non-UTF-8 data throw
 * `InstanceDecodeError`.
 */
export function instanceDecoder(options: InstanceDecoderOptions = {}): InstanceDecoder {
  const includeNotUp = options.includeNotUp ?? false;
  const decode = (node: InstanceNode): ServiceInstance | undefined => {
    const detected = detectInstanceFormat(node.data, node.name);
    let instance: ServiceInstance;
    if (detected.format === 'gokit') return decodeGoKitInstance(node);
    if (detected.format === 'dubbo') instance = decodeDubboProvider(node);
    else if (detected.format === 'finagle') instance = decodeFinagleMember(node, detected.json);
    else instance = decodeCuratorInstance(node, detected.json);
    return includeNotUp || isTakingTraffic(instance) ? instance : undefined;
  };
  return Object.assign(decode, { decodesFromName: isDubboUrlName });
}

/** `instanceDecoder()` with its defaults: what an `Instancer` uses unless given `decode`. */
export const decodeInstance: InstanceDecoder = instanceDecoder();
