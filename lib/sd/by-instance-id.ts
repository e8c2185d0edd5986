/** Orders instances (or anything carrying one) by instance id, the order snapshots keep. */
export function compareInstanceIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Merges two lists, each sorted by `compare`, into one sorted list (O(a + b)). */
export function mergeSorted<T>(
  a: readonly T[],
  b: readonly T[],
  compare: (x: T, y: T) => number,
): T[] {
  const merged: T[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    merged.push(compare(a[i]!, b[j]!) <= 0 ? a[i++]! : b[j++]!);
  }
  while (i < a.length) merged.push(a[i++]!);
  while (j < b.length) merged.push(b[j++]!);
  return merged;
}
