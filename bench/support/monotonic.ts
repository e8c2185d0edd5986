/**
 * Times from other processes, on one clock. `process.hrtime.bigint()` in any Node process and
 * `System.nanoTime()` in a JVM both read the kernel's CLOCK_MONOTONIC on Linux, the clock this
 * process's `performance.now()` counts from as well: a stamp taken there needs no offset and no
 * round trip to be placed on our timeline, only this conversion.
 */

/** `process.hrtime.bigint()` at this process's `performance.now() === 0`, in ns. */
const zeroNs = (() => {
  // Read both clocks back to back a few times and keep the closest pair.
  let best = { spread: Number.POSITIVE_INFINITY, zero: 0n };
  for (let i = 0; i < 20; i++) {
    const before = performance.now();
    const ns = process.hrtime.bigint();
    const after = performance.now();
    if (after - before < best.spread) {
      best = {
        spread: after - before,
        zero: ns - BigInt(Math.round(((before + after) / 2) * 1e6)),
      };
    }
  }
  return best.zero;
})();

/** A CLOCK_MONOTONIC stamp in ns (from any process on this machine) as our `performance.now()`. */
export function fromMonotonic(ns: bigint): number {
  return Number(ns - zeroNs) / 1e6;
}

/** Now on CLOCK_MONOTONIC, as a decimal string (what a child process sends over IPC). */
export function monotonicNow(): string {
  return process.hrtime.bigint().toString();
}

/** Our `performance.now()` value `at` as a CLOCK_MONOTONIC stamp in ns (for another process). */
export function toMonotonic(at: number): string {
  return (zeroNs + BigInt(Math.round(at * 1e6))).toString();
}
