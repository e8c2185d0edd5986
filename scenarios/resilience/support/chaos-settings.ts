import { randomInt } from 'node:crypto';

/** Environment variable: how many minutes of faults the chaos scenario draws. */
export const CHAOS_MINUTES_ENV = 'CHAOS_MINUTES';
/** Environment variable: the seed of the chaos scenario's schedule (a positive integer). */
export const CHAOS_SEED_ENV = 'CHAOS_SEED';
const DEFAULT_MINUTES = 20;
/** Time the chaos run may take beyond its minutes of faults: setup, the last fault, teardown. */
const OVERHEAD_MINUTES = 10;

/** `CHAOS_MINUTES`, default 20. @throws TypeError when it is not a positive number. */
export function chaosMinutes(): number {
  const text = process.env[CHAOS_MINUTES_ENV];
  if (text === undefined || text === '') return DEFAULT_MINUTES;
  const minutes = Number(text);
  if (!(minutes > 0 && minutes <= 24 * 60)) {
    throw new TypeError(`${CHAOS_MINUTES_ENV} must be a number of minutes above 0; got '${text}'`);
  }
  return minutes;
}

/** `CHAOS_SEED`, or a new random seed. @throws TypeError when it is not an integer in [1, 2^31). */
export function chaosSeed(): number {
  const text = process.env[CHAOS_SEED_ENV];
  if (text === undefined || text === '') return randomInt(1, 2 ** 31);
  const seed = Number(text);
  if (!(Number.isInteger(seed) && seed >= 1 && seed < 2 ** 31)) {
    throw new TypeError(`${CHAOS_SEED_ENV} must be an integer from 1 to 2^31 - 1; got '${text}'`);
  }
  return seed;
}

/** How long run.ts lets the chaos scenario run: its minutes of faults plus the overhead. */
export function chaosTimeoutMs(): number {
  return (chaosMinutes() + OVERHEAD_MINUTES) * 60_000;
}
