import type { ZkLogger } from '../../client/zk-logger.js';
import type { InstanceDecoder } from '../formats/instance-decoder.js';
import type { ServiceInstance } from '../service-instance.js';

/** No data: what a child decoded from its name alone is given. */
export const NO_DATA: Buffer = Buffer.alloc(0);

/**
 * How an instancer turns its children into instances: the decoder, with each node that cannot
 * be decoded logged once (by name and bytes) and left out, so the rest of the set stands.
 */
export class ChildDecoder {
  /** Keys (`name` + bytes) of undecodable nodes already logged. */
  private readonly reported = new Set<string>();

  constructor(
    private readonly decode: InstanceDecoder,
    private readonly logger: ZkLogger,
  ) {}

  /** True when `name` is read from the name alone: no data read, no data watch. */
  fromName(name: string): boolean {
    return this.decode.decodesFromName?.(name) ?? false;
  }

  /** The node's instance; undefined when it is left out or cannot be decoded (logged once). */
  instance(name: string, path: string, data: Buffer): ServiceInstance | undefined {
    try {
      return this.decode({ name, path, data });
    } catch (error) {
      const key = `${name}\u0000${data.toString('base64')}`;
      if (!this.reported.has(key)) {
        this.reported.add(key);
        this.logger.warn((error as Error).message);
      }
      return undefined;
    }
  }
}
