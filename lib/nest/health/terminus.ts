import { createRequire } from 'node:module';
import type * as Terminus from '@nestjs/terminus';
import { requireOptionalPeer } from '../../client/optional-peer.js';

/**
 * `@nestjs/terminus`, an optional peer dependency, loaded when `nestjs-zk-discovery/health` is
 * loaded. Without it loading fails with an error saying `npm install @nestjs/terminus`.
 *
 * Loaded with `require` (Node 20.19+ requires ES modules), not a top-level `await import()`: a
 * module with a top-level await cannot be `require`d, and CommonJS apps load this entry that way.
 */
const terminus = requireOptionalPeer<typeof Terminus>(
  '@nestjs/terminus',
  'nestjs-zk-discovery/health',
  createRequire(import.meta.url),
);

/** terminus's `HealthIndicatorService` class, the injection token of its current indicator API. */
export const HealthIndicatorServiceToken: typeof Terminus.HealthIndicatorService =
  terminus.HealthIndicatorService;
