// `node --import <this file> ...`: any import of an @nestjs/* package, reflect-metadata or rxjs
// fails, naming what imported it. Proves an entry point loads no Nest (nor Nest's rxjs).
import { register } from 'node:module';

export async function resolve(specifier, context, next) {
  if (
    specifier.startsWith('@nestjs/') ||
    specifier === 'reflect-metadata' ||
    specifier === 'rxjs' ||
    specifier.startsWith('rxjs/')
  ) {
    throw new Error(`Nest loaded: ${specifier} imported from ${context.parentURL}`);
  }
  return next(specifier, context);
}

// Registered once, from the main thread; the hooks thread loads this file again and skips it.
if (!process.env.FORBID_NEST_HOOKED) {
  process.env.FORBID_NEST_HOOKED = '1';
  register(import.meta.url);
}
