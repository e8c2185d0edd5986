import { setTimeout as delay } from 'node:timers/promises';

/** Runs a full garbage collection (the process must run with `--expose-gc`). */
export async function collectGarbage(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc');
  // Twice, with a turn of the event loop between: weak callbacks and finalizers run in between.
  gc();
  await delay(5);
  gc();
}

/** Heap in use (V8's heap, plus memory outside it: Buffers and native allocations V8 knows of). */
export interface HeapReading {
  heapUsed: number;
  external: number;
}

/** Collects garbage, then reads the heap. */
export async function settledHeap(): Promise<HeapReading> {
  await collectGarbage();
  const usage = process.memoryUsage();
  return { heapUsed: usage.heapUsed, external: usage.external };
}
