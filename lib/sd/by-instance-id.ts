/** Orders instances (or anything carrying one) by instance id, the order snapshots keep. */
export function compareInstanceIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
