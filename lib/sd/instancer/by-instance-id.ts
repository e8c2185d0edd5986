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

/**
 * The index of the first item of `sorted` (ascending by `idOf`) with `id` that `matches`, or -1:
 * a binary search for the id, then a scan of the items sharing it. O(log n).
 */
export function indexOfSorted<T>(
  sorted: readonly T[],
  id: string,
  idOf: (item: T) => string,
  matches: (item: T) => boolean,
): number {
  for (let i = lowerBound(sorted, id, idOf); i < sorted.length && idOf(sorted[i]!) === id; i++) {
    if (matches(sorted[i]!)) return i;
  }
  return -1;
}

/** Where an item with `id` goes in `sorted`: after every item whose id is not greater. O(log n). */
export function insertionIndex<T>(
  sorted: readonly T[],
  id: string,
  idOf: (item: T) => string,
): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (idOf(sorted[mid]!) <= id) low = mid + 1;
    else high = mid;
  }
  return low;
}

function lowerBound<T>(sorted: readonly T[], id: string, idOf: (item: T) => string): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (idOf(sorted[mid]!) < id) low = mid + 1;
    else high = mid;
  }
  return low;
}
