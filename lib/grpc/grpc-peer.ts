import { createRequire } from 'node:module';
import type * as GrpcJs from '@grpc/grpc-js';
import { requireOptionalPeer } from '../client/optional-peer.js';

/**
 * `@grpc/grpc-js`, an optional peer dependency, loaded when `nestjs-zk-discovery/grpc` is loaded
 * (missing, loading fails saying `npm install @grpc/grpc-js`). Required rather than imported, so
 * that CommonJS apps can `require` this entry; it is the copy Nest's `ClientGrpc` requires too.
 */
export const grpc: typeof GrpcJs = requireOptionalPeer(
  '@grpc/grpc-js',
  'nestjs-zk-discovery/grpc',
  createRequire(import.meta.url),
);
