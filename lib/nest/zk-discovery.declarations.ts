import { validateZnodePath } from '../sd/service-validation.js';
import { endpointerOptionsConflict } from './zk-discovery.messages.js';
import type { ZkEndpointerOptions } from './zk-discovery.options.js';

/**
 * What `@InjectEndpointer()` records, the nestjs-pino pattern made per application:
 * - the class that asked for the path, with its options, so each application reads the
 *   declarations of its own classes only (two apps in one process never share options);
 * - the set of paths named in this process, so that `forRoot()` can offer a provider for each.
 *   The set grows with decorators, never with `forRoot()` calls; an application whose classes do
 *   not use a path gets an empty provider for it (no endpointer, no watch).
 * Decorators run when their file is imported, before the application is created. Lazy-loaded
 * modules, and `@Inject(getEndpointerToken(path))`, use `ZkDiscoveryModule.forFeature(paths)` or
 * `ZkDiscoveryService.getEndpointer(path)`.
 */
const namedPaths = new Set<string>();
const declarationsByClass = new WeakMap<object, Map<string, ZkEndpointerOptions | undefined>>();

/** `'a/b'`, `'/a/b'` and `'/a/b/'` are one path: `'/a/b'`. */
export function normalizeEndpointerPath(path: string): string {
  const absolute =
    typeof path === 'string' && !path.startsWith('/') && path !== '' ? `/${path}` : path;
  return validateZnodePath(absolute, 'endpointer path');
}

/** Records that class `owner` injects the endpointer of `path` (normalized) with `options`. */
export function declareEndpointer(
  owner: object,
  path: string,
  options: ZkEndpointerOptions | undefined,
): void {
  namedPaths.add(path);
  let declared = declarationsByClass.get(owner);
  if (!declared) {
    declared = new Map();
    declarationsByClass.set(owner, declared);
  }
  declared.set(path, merged(path, declared.get(path), options));
}

/** Every path named by a decorator in this process so far. */
export function namedEndpointerPaths(): string[] {
  return [...namedPaths];
}

/**
 * The endpointer declarations of the classes of one application: each path its classes inject,
 * with the options they gave.
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
