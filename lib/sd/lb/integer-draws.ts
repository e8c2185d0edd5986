/**
 * Random integers for balancers: a 32-bit xorshift whose draws are in [0, 2^30), small integers
 * to V8, and whose state lives in a field. A pick then allocates nothing: `Math.random()` makes a
 * heap number per call, and so does a float or a 32-bit state kept in a closure's variable
 * (16 bytes a draw, measured in the hot-path benchmark).
 */
export class IntegerDraws {
  /** xorshift32 state, never 0. */
  private state: number;

  /** @param seed The same seed gives the same draws. @default a seed from `Math.random` */
  constructor(seed?: number) {
    const start = seed === undefined ? Math.random() * 0x7fffffff : seed;
    this.state = start | 0 || 1;
  }

  /** The next draw: an integer in [0, 2^30). */
  next(): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x;
    return x >>> 2;
  }
}

/** The number of distinct draws: `next()` is below it. */
export const DRAW_RANGE = 1073741824;
