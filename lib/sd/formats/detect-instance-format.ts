import { isCuratorInstanceJson } from './curator.format.js';
import { SPRING_INSTANCE_CLASS } from './spring.constants.js';

/** What a node's bytes are: go-kit text, or Curator's JSON (parsed). */
export type DetectedInstanceFormat =
  | { readonly format: 'gokit' }
  | { readonly format: 'curator' | 'spring'; readonly json: Record<string, unknown> };

const GO_KIT: DetectedInstanceFormat = Object.freeze({ format: 'gokit' });
const utf8 = new TextDecoder('utf-8', { fatal: true });
const OPEN_BRACE = 0x7b;

/**
 * Recognises a node's format from its bytes: a JSON object with Curator's `ServiceInstance`
 * fields is Curator's, or Spring's when its payload's `@class` is Spring's `ZookeeperInstance`;
 * anything else is go-kit's (raw bytes, conventionally a URL). Never throws.
 */
export function detectInstanceFormat(data: Buffer): DetectedInstanceFormat {
  const json = parseJsonObject(data);
  if (!json || !isCuratorInstanceJson(json)) return GO_KIT;
  const payload = json.payload as { '@class'?: unknown } | null | undefined;
  const spring = typeof payload === 'object' && payload?.['@class'] === SPRING_INSTANCE_CLASS;
  return { format: spring ? 'spring' : 'curator', json };
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
