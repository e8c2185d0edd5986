import { Inject } from '@nestjs/common';
import { validateZnodePath } from '../sd/service-validation.js';
import { ENDPOINTER_TOKEN_PREFIX } from './zk-discovery.constants.js';
import { endpointerOptionsConflict } from './zk-discovery.messages.js';
import type { ZkEndpointerOptions } from './zk-discovery.options.js';

/**
 * `@InjectEndpointer(path)` and the providers behind it: nestjs-pino's pattern, made per
 * application. A decorator runs when its file is imported, before any application exists; it
 * records the path in a process-wide set, from which `forRoot()` offers one provider per path,
 * and the class that asked, with its options, so each application reads its own classes' options
 * only. An application whose classes do not inject a path gets an empty provider for it (no
 * endpointer, no watch). Lazy modules and `@Inject(getEndpointerToken(path))` use `forFeature()`.
 */
const namedPaths = new Set<string>();
const declarationsByClass = new WeakMap<object, Map<string, ZkEndpointerOptions | undefined>>();

/**
 * Injects the live `ZkEndpointer` of the instances registered under `path`, e.g.
 * `@InjectEndpointer('/services/hello/abc') hello: ZkEndpointer<HttpEndpoint>`. `options`
 * override the module's endpointer defaults for this path (one set of options per path).
 */
export function InjectEndpointer(
  path: string,
  options?: ZkEndpointerOptions,
): ParameterDecorator & PropertyDecorator {
  const normalized = normalizeEndpointerPath(path);
  const inject = Inject(getEndpointerToken(normalized));
  return (target: object, key?: string | symbol, index?: number) => {
    // A constructor parameter is decorated on the class, a property on its prototype.
    const owner = typeof target === 'function' ? target : target.constructor;
    namedPaths.add(normalized);
    let declared = declarationsByClass.get(owner);
    if (!declared) {
      declared = new Map();
      declarationsByClass.set(owner, declared);
    }
    declared.set(normalized, merged(normalized, declared.get(normalized), options));
    (inject as (target: object, key?: string | symbol, index?: number) => void)(target, key, index);
  };
}

/**
 * The injection token of the endpointer of `path`; `'/a/b'`, `'a/b'` and `'/a/b/'` are one token.
 * No side effect: with `@Inject(getEndpointerToken(path))`, list the path in `forFeature([path])`.
 */
export function getEndpointerToken(path: string): string {
  return `${ENDPOINTER_TOKEN_PREFIX}${normalizeEndpointerPath(path)}`;
}

/** `'a/b'`, `'/a/b'` and `'/a/b/'` are one path: `'/a/b'`. */
export function normalizeEndpointerPath(path: string): string {
  const absolute =
    typeof path === 'string' && !path.startsWith('/') && path !== '' ? `/${path}` : path;
  return validateZnodePath(absolute, 'endpointer path');
}

/** Every path named by a decorator in this process so far. */
export function namedEndpointerPaths(): string[] {
  return [...namedPaths];
}

/**
 * What the classes of one application declared: each path they inject, with its options.
 * @throws Error when two of its classes give different options for one path.
 */
export function endpointerDeclarations(
  classes: Iterable<unknown>,
): Map<string, ZkEndpointerOptions | undefined> {
  const result = new Map<string, ZkEndpointerOptions | undefined>();
  for (const type of classes) {
    const declared = typeof type === 'function' ? declarationsByClass.get(type) : undefined;
    for (const [path, options] of declared ?? []) {
      result.set(path, merged(path, result.get(path), options));
    }
  }
  return result;
}

/** One path's options from two places: the same options, or one place with none. */
function merged(
  path: string,
  a: ZkEndpointerOptions | undefined,
  b: ZkEndpointerOptions | undefined,
): ZkEndpointerOptions | undefined {
  if (a && b && !sameOptions(a, b)) throw new Error(endpointerOptionsConflict(path));
  return a ?? b;
}

function sameOptions(a: ZkEndpointerOptions, b: ZkEndpointerOptions): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]) as Set<keyof ZkEndpointerOptions>;
  return [...keys].every((key) => a[key] === b[key]);
}
