import type * as Terminus from '@nestjs/terminus';
import { importOptionalPeer } from './optional-peer.js';

/**
 * `@nestjs/terminus`, an optional peer dependency, loaded when `nestjs-zk-discovery/health` is
 * imported. Without it the import fails with an error saying `npm install @nestjs/terminus`.
 */
const terminus: typeof Terminus = await importOptionalPeer(
  '@nestjs/terminus',
  'nestjs-zk-discovery/health',
  () => import('@nestjs/terminus'),
);

/** terminus's `HealthIndicatorService` class, the injection token of its current indicator API. */
export const HealthIndicatorServiceToken: typeof Terminus.HealthIndicatorService =
  terminus.HealthIndicatorService;
