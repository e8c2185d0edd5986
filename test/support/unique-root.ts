import { randomBytes } from 'node:crypto';

/**
 * A znode path no other test uses (`/t-<12 hex>`), so tests sharing one ZooKeeper server
 * never see each other's nodes. Pass a label to make the tree readable in `dump`/`wchp`
 * output: `uniqueRoot('registrar')` → `/t-registrar-<12 hex>`.
 */
export function uniqueRoot(label?: string): string {
  const suffix = randomBytes(6).toString('hex');
  return label ? `/t-${label.replace(/[^A-Za-z0-9_-]/g, '_')}-${suffix}` : `/t-${suffix}`;
}
