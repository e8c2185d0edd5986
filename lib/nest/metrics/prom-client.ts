import type * as PromClient from 'prom-client';
import { importOptionalPeer } from '../../client/optional-peer.js';

/** The `prom-client` module. */
export type PromClientModule = typeof PromClient;

/**
 * Loads `prom-client`, an optional peer dependency, when metrics are enabled. Without it startup
 * fails with an error saying `npm install prom-client`.
 */
export function loadPromClient(): Promise<PromClientModule> {
  return importOptionalPeer(
    'prom-client',
    'ZkDiscoveryModule.forRoot({ metrics })',
    () => import('prom-client'),
  );
}
