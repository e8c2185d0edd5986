import { Inject } from '@nestjs/common';
import { ENDPOINTER_TOKEN_PREFIX, ZK_CLIENT } from './zk-discovery.constants.js';
import { declareEndpointer, normalizeEndpointerPath } from './zk-discovery.declarations.js';
import type { ZkEndpointerOptions } from './zk-discovery.options.js';

/** The injection token of the `ZkClient`. */
export function getZkClientToken(): string {
  return ZK_CLIENT;
}

/**
 * The injection token of the endpointer for `path`. `'/a/b'`, `'a/b'` and `'/a/b/'` are one token.
 * No side effect: with `@Inject(getEndpointerToken(path))`, list the path in
 * `ZkDiscoveryModule.forFeature([path])` (the decorator `@InjectEndpointer(path)` needs nothing).
 */
export function getEndpointerToken(path: string): string {
  return `${ENDPOINTER_TOKEN_PREFIX}${normalizeEndpointerPath(path)}`;
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
  const inject = Inject(`${ENDPOINTER_TOKEN_PREFIX}${normalized}`);
  return (target: object, key?: string | symbol, index?: number) => {
    // A constructor parameter is decorated on the class, a property on its prototype.
    const owner = typeof target === 'function' ? target : target.constructor;
    declareEndpointer(owner, normalized, options);
    (inject as (target: object, key?: string | symbol, index?: number) => void)(target, key, index);
  };
}
