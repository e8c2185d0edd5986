import { InvalidServiceError } from './errors/invalid-service.error.js';

/** ZooKeeper's default `jute.maxbuffer`: a node's data must stay below it. */
export const MAX_NODE_DATA_BYTES = 1024 * 1024 - 1;

/**
 * Checks an absolute znode path and returns it without a trailing slash. `what` names the option
 * in the error, e.g. "registration.path".
 */
export function validateZnodePath(path: unknown, what: string): string {
  const fix = 'Use an absolute ZooKeeper path such as "/services/hello".';
  if (typeof path !== 'string' || path === '') {
    throw new InvalidServiceError(`Invalid ${what} ${JSON.stringify(path)}: it is empty. ${fix}`);
  }
  if (!path.startsWith('/')) {
    throw new InvalidServiceError(`Invalid ${what} "${path}": it is relative. ${fix}`);
  }
  const trimmed = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  if (trimmed === '/') return trimmed;
  const bad = trimmed
    .slice(1)
    .split('/')
    .find((segment) => !isValidSegment(segment));
  if (bad !== undefined) {
    throw new InvalidServiceError(
      `Invalid ${what} "${path}": segment ${JSON.stringify(bad)} is not allowed ` +
        `(empty, ".", "..", "zookeeper" at the root or control characters). ${fix}`,
    );
  }
  if (trimmed === '/zookeeper' || trimmed.startsWith('/zookeeper/')) {
    throw new InvalidServiceError(
      `Invalid ${what} "${path}": /zookeeper is reserved by ZooKeeper. ${fix}`,
    );
  }
  return trimmed;
}

/** Checks a service name: one non-empty path segment. */
export function validateServiceName(name: unknown, what: string): string {
  if (typeof name !== 'string' || name.trim() === '') {
    throw new InvalidServiceError(
      `Invalid ${what} ${JSON.stringify(name)}: it is empty. Give the service's name, e.g. "hello".`,
    );
  }
  if (!isValidSegment(name)) {
    throw new InvalidServiceError(
      `Invalid ${what} "${name}": a name is one path segment (no "/", not "." or "..", no control characters).`,
    );
  }
  return name;
}

/** Turns instance data into bytes and checks it fits in a node. */
export function validateNodeData(data: unknown, what: string): Buffer {
  if (typeof data !== 'string' && !Buffer.isBuffer(data)) {
    throw new InvalidServiceError(
      `Invalid ${what}: expected a string or a Buffer (e.g. "http://10.0.0.5:8080"), got ${typeof data}.`,
    );
  }
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  if (bytes.length > MAX_NODE_DATA_BYTES) {
    throw new InvalidServiceError(
      `Invalid ${what}: ${bytes.length} bytes is over ZooKeeper's node limit of ${MAX_NODE_DATA_BYTES} bytes ` +
        '(jute.maxbuffer). Register an address, not a payload.',
    );
  }
  return bytes;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what we reject
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

function isValidSegment(segment: string): boolean {
  return (
    segment !== '' &&
    segment !== '.' &&
    segment !== '..' &&
    !segment.includes('/') &&
    !CONTROL_CHARACTERS.test(segment)
  );
}
