import { createRequire } from 'node:module';
import type * as Microservices from '@nestjs/microservices';
import { requireOptionalPeer } from '../client/optional-peer.js';

/**
 * `@nestjs/microservices`, an optional peer dependency, loaded when
 * `nestjs-zk-discovery/microservices` is loaded (missing, loading fails saying
 * `npm install @nestjs/microservices`). Required rather than imported, so that CommonJS apps can
 * `require` this entry.
 */
export const microservices: typeof Microservices = requireOptionalPeer(
  '@nestjs/microservices',
  'nestjs-zk-discovery/microservices',
  createRequire(import.meta.url),
);
