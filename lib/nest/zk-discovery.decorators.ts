import { Inject } from '@nestjs/common';
import { ENDPOINTER_TOKEN_PREFIX, ZK_CLIENT } from './zk-discovery.constants.js';
import type { ZkEndpointerOptions } from './zk-discovery.options.js';
import { declareEndpointerPath, normalizeEndpointerPath } from './zk-discovery.paths.js';

/** The injection token of the `ZkClient`. */
export function getZkClientToken(): string {
  return ZK_CLIENT;
}

/**
 * The injection token of the endpointer for `path`. `'/a/b'`, `'a/b'` and `'/a/b/'` are one token.
 * Calling it declares the path, so `@Inject(getEndpointerToken(path))` works like the decorator.
 */
export function getEndpointerToken(path: string): string {
  const normalized = normalizeEndpointerPath(path);
  declareEndpointerPath(normalized);
  return `${ENDPOINTER_TOKEN_PREFIX}${normalized}`;
}

/** Injects the session-safe `ZkClient` of `ZkDiscoveryModule.forRoot()`. */
export function InjectZkClient(): ParameterDecorator & PropertyDecorator {
  return Inject(ZK_CLIENT);
}

/**
 * Injects a live `ZkEndpointer` for the instances registered under `path`, e.g.
 * `@InjectEndpointer('/services/hello/abc') hello: ZkEndpointer<HttpEndpoint>`. The path is
 * recorded when the decorator is evaluated and `forRoot()` provides it. `options` override the
 * module's endpointer defaults for this path (one set of options per path).
 */
export function InjectEndpointer(
  path: string,
  options?: ZkEndpointerOptions,
): ParameterDecorator & PropertyDecorator {
  const normalized = normalizeEndpointerPath(path);
  declareEndpointerPath(normalized, options);
  return Inject(`${ENDPOINTER_TOKEN_PREFIX}${normalized}`);
}
