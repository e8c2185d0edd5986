// `node --import <this file> ...`: the optional peers @nestjs/terminus, prom-client,
// @nestjs/microservices and @grpc/grpc-js cannot be found, as in an app that did not install them:
// neither by import (a resolve hook) nor by require (Node's CommonJS resolver, which the hook does
// not see).
import Module, { register } from 'node:module';

const HIDDEN = ['@nestjs/terminus', 'prom-client', '@nestjs/microservices', '@grpc/grpc-js'];
/** A hidden package's subpaths are missing too: Nest loads `@nestjs/microservices/...` itself. */
const hidden = (specifier) =>
  HIDDEN.some((name) => specifier === name || specifier.startsWith(`${name}/`));

export async function resolve(specifier, context, next) {
  if (!hidden(specifier)) return next(specifier, context);
  const error = new Error(`Cannot find package '${specifier}' imported from ${context.parentURL}`);
  error.code = 'ERR_MODULE_NOT_FOUND';
  throw error;
}

// Registered once, from the main thread; the hooks thread loads this file again and skips it.
if (!process.env.HIDE_OPTIONAL_PEERS_HOOKED) {
  process.env.HIDE_OPTIONAL_PEERS_HOOKED = '1';
  register(import.meta.url);
  const resolveFilename = Module._resolveFilename;
  Module._resolveFilename = function (request, ...rest) {
    if (!hidden(request)) return resolveFilename.call(this, request, ...rest);
    const error = new Error(`Cannot find module '${request}'`);
    error.code = 'MODULE_NOT_FOUND';
    throw error;
  };
}
