import { InstanceDecodeError } from '../sd/errors/instance-decode.error.js';
import {
  type InstanceDecoder,
  type InstanceNode,
  instanceDecoder,
} from '../sd/formats/instance-decoder.js';
import type { SkippedNode } from './instance-view.js';

/**
 * Every instance is shown, also those taking no traffic (Spring not UP, Finagle not ALIVE, Dubbo
 * disabled): their status is shown.
 */
const decode = instanceDecoder({ includeNotUp: true });

/** The longest stretch of a node's data quoted in a message. */
const QUOTED_CHARS = 60;

/**
 * How the CLI reads an instance node: the default decoder, except that go-kit text that is not a
 * URL counts as undecodable too. The library keeps such an instance (go-kit's instance strings are
 * opaque: a custom endpoint factory may understand them), but the default HTTP endpoint skips it,
 * and a listing that showed it as an instance at `-:-` would hide the problem. Each node that
 * cannot be shown is also handed to `onSkipped`.
 */
export function cliDecoder(onSkipped: (node: SkippedNode) => void = () => {}): InstanceDecoder {
  const read = (node: InstanceNode) => {
    try {
      const instance = decode(node);
      if (instance?.format === 'gokit' && instance.url === undefined) {
        const text = node.data.toString('utf8').trim();
        const quoted = JSON.stringify(
          text.length > QUOTED_CHARS ? `${text.slice(0, QUOTED_CHARS)}…` : text,
        );
        throw new InstanceDecodeError(
          node.path,
          `its data ${quoted} is not a URL (go-kit instances hold their base URL, e.g. ` +
            'http://10.0.0.5:8080; the default HTTP endpoint skips this one)',
        );
      }
      return instance;
    } catch (error) {
      onSkipped({ id: node.name, path: node.path, reason: (error as Error).message });
      throw error;
    }
  };
  // Dubbo providers are read from their names, as by the library's instancers.
  return Object.assign(read, { decodesFromName: decode.decodesFromName });
}
