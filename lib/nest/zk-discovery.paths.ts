import { validateZnodePath } from '../sd/service-validation.js';
import { endpointerOptionsConflict } from './zk-discovery.messages.js';
import type { ZkEndpointerOptions } from './zk-discovery.options.js';

/**
 * The endpointer paths declared by `@InjectEndpointer()` / `getEndpointerToken()` in this process
 * (the nestjs-pino pattern): `forRoot()` turns them into providers. Decorators run when their file
 * is imported; a path declared after `forRoot()` was called is still added to the modules
 * `forRoot()` returned, as long as the application has not been created yet. Lazy-loaded modules
 * use `ZkDiscoveryModule.forFeature()` or `ZkDiscoveryService.getEndpointer()`.
 */
const declared = new Map<string, ZkEndpointerOptions | undefined>();
const listeners = new Set<(path: string) => void>();

/** `'a/b'`, `'/a/b'` and `'/a/b/'` are one path: `'/a/b'`. */
export function normalizeEndpointerPath(path: string): string {
  const absolute =
    typeof path === 'string' && !path.startsWith('/') && path !== '' ? `/${path}` : path;
  return validateZnodePath(absolute, 'endpointer path');
}

export function declareEndpointerPath(path: string, options?: ZkEndpointerOptions): void {
  if (declared.has(path)) {
    const existing = declared.get(path);
    if (options && existing && !sameOptions(existing, options))
      throw new Error(endpointerOptionsConflict(path));
    if (options && !existing) declared.set(path, options);
    return;
  }
  declared.set(path, options);
  for (const listener of listeners) listener(path);
}

export function declaredEndpointerPaths(): string[] {
  return [...declared.keys()];
}

export function declaredEndpointerOptions(path: string): ZkEndpointerOptions | undefined {
  return declared.get(path);
}

/** Calls `listener` for each path declared from now on. */
export function onEndpointerPathDeclared(listener: (path: string) => void): void {
  listeners.add(listener);
}

function sameOptions(a: ZkEndpointerOptions, b: ZkEndpointerOptions): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]) as Set<keyof ZkEndpointerOptions>;
  return [...keys].every((key) => a[key] === b[key]);
}
