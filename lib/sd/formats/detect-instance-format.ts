import { isCuratorInstanceJson } from './curator.format.js';
import { isDubboUrlName } from './dubbo.format.js';
import { isFinagleServersetJson } from './finagle.format.js';
import { SPRING_INSTANCE_CLASS } from './spring.constants.js';

/** What a node is: go-kit text, a Dubbo provider (by its name), or JSON (parsed). */
export type DetectedInstanceFormat =
  | { readonly format: 'gokit' }
  | { readonly format: 'dubbo' }
  | {
      readonly format: 'curator' | 'spring' | 'finagle';
      readonly json: Record<string, unknown>;
    };

const GO_KIT: DetectedInstanceFormat = Object.freeze({ format: 'gokit' });
const DUBBO: DetectedInstanceFormat = Object.freeze({ format: 'dubbo' });
const utf8 = new TextDecoder('utf-8', { fatal: true });
const OPEN_BRACE = 0x7b;

/**
 * Recognises a node's format, in this order: a node whose `name` is a URL-encoded URL
 * (`dubbo%3A%2F%2F...`) is a Dubbo provider, whatever its data; a JSON object with Curator's
 * `ServiceInstance` fields is Curator's, or Spring's when its payload's `@class` is Spring's
 * `ZookeeperInstance`; any other JSON object with a `serviceEndpoint` object is a Finagle
 * serverset member; anything else is go-kit's (raw bytes, conventionally a URL). Never throws.
 */
export function detectInstanceFormat(data: Buffer, name?: string): DetectedInstanceFormat {
  if (name !== undefined && isDubboUrlName(name)) return DUBBO;
  const json = parseJsonObject(data);
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return GO_KIT;
  if (isCuratorInstanceJson(json)) {
    const payload = json.payload as { '@class'?: unknown } | null | undefined;
    const spring = typeof payload === 'object' && payload?.['@class'] === SPRING_INSTANCE_CLASS;
    return { format: spring ? 'spring' : 'curator', json };
  }
  const object = json as Record<string, unknown>;
  return isFinagleServersetJson(object) ? { format: 'finagle', json: object } : GO_KIT;
}

function parseJsonObject(data: Buffer): unknown {
  let start = 0;
  while (start < data.length && isJsonSpace(data[start]!)) start++;
  if (data[start] !== OPEN_BRACE) return undefined;
  try {
    return JSON.parse(utf8.decode(data));
  } catch {
    return undefined;
  }
}

function isJsonSpace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}
