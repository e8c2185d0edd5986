import { createRequire } from 'node:module';
import type * as GrpcJs from '@grpc/grpc-js';

const PACKAGE = '@grpc/grpc-js';

/**
 * `@grpc/grpc-js`, an optional peer dependency, loaded when `nestjs-zk-discovery/grpc` is
 * loaded; without it, loading fails with an error saying `npm install @grpc/grpc-js`. Loaded with
 * `require` (Node 20.19+ requires ES modules) rather than a top-level `await import()`, so that
 * CommonJS apps can `require` this entry; it is the copy Nest's `ClientGrpc` requires too.
 */
export const grpc: typeof GrpcJs = loadPeer(createRequire(import.meta.url));

function loadPeer(require: (id: string) => unknown): typeof GrpcJs {
  try {
    return require(PACKAGE) as typeof GrpcJs;
  } catch (error) {
    throw isMissing(error)
      ? new Error(
          `nestjs-zk-discovery/grpc needs the package ${PACKAGE}, which is not installed. ` +
            `Install it beside nestjs-zk-discovery: npm install ${PACKAGE}`,
          { cause: error },
        )
      : error;
  }
}

/** The package itself is missing (not one of its own dependencies: a broken install says so). */
function isMissing(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return (
    (code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND') &&
    error instanceof Error &&
    (error.message.includes(`'${PACKAGE}'`) || error.message.includes(`'${PACKAGE}/`))
  );
}
