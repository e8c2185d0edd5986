/**
 * Things waiting with one timeout each, all with the same timeout, and a single timer for all of
 * them. Insertion order is therefore deadline order: the timer is armed for the oldest entry only,
 * and an entry settled before its deadline is simply removed (no timer to clear).
 *
 * Why not a `setTimeout` per entry: arming and clearing a Node timer calls into the runtime (the
 * loop's clock, the timer list, its ref count) and, on code that runs once per ZooKeeper change,
 * cost about 15 µs of each request (the `propagation` benchmark). Here a request costs a `Map` insert
 * and delete; the timer is armed at most once per timeout while requests keep coming.
 *
 * The timer is unref'd: it never keeps a process alive by itself. Whoever needs to know whether
 * something is still waiting reads {@link size}.
 */
export class DeadlineQueue<E> {
  /** Entry → its deadline, in insertion (= deadline) order. */
  private readonly deadlines = new Map<E, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly timeoutMs: number,
    /** Called with each entry whose deadline passed; it has been removed already. */
    private readonly onExpired: (entry: E) => void,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  /** Entries waiting. */
  get size(): number {
    return this.deadlines.size;
  }

  /** Starts `entry`'s timeout. */
  add(entry: E): void {
    this.deadlines.set(entry, this.clock() + this.timeoutMs);
    if (!this.timer) this.arm(this.timeoutMs);
  }

  /**
   * Removes `entry`; true when it was waiting. Whoever removes an entry settles it: a false here
   * means it expired or was taken out already, and must be left alone.
   */
  delete(entry: E): boolean {
    return this.deadlines.delete(entry);
  }

  /** Removes and returns every waiting entry that matches `test`. */
  takeWhere(test: (entry: E) => boolean): E[] {
    const taken: E[] = [];
    for (const entry of this.deadlines.keys()) {
      if (!test(entry)) continue;
      this.deadlines.delete(entry);
      taken.push(entry);
    }
    return taken;
  }

  private arm(delayMs: number): void {
    // Node fires a timer on its loop's millisecond clock, which can run a little behind ours.
    this.timer = setTimeout(this.expire, Math.max(1, Math.ceil(delayMs)));
    this.timer.unref();
  }

  private readonly expire = (): void => {
    this.timer = undefined;
    const now = this.clock();
    for (const [entry, deadline] of this.deadlines) {
      if (deadline > now) break;
      this.deadlines.delete(entry);
      this.onExpired(entry);
    }
    // `onExpired` may have added an entry, and armed the timer for it already.
    const next = this.deadlines.values().next();
    if (!next.done && !this.timer) this.arm(next.value - now);
  };
}
