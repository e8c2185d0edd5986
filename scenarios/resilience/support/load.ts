import { type Summary, summarize } from './stats.js';

/** One request of a {@link SteadyLoad}. */
export interface RequestRecord {
  /** When it was sent (`performance.now()`). */
  at: number;
  latencyMs: number;
  ok: boolean;
}

/** What a load run produced. */
export interface LoadReport {
  sent: number;
  succeeded: number;
  failed: number;
  latency: Summary;
  /** Each distinct failure message, with its count. */
  failures: Map<string, number>;
  /** How many answers each instance gave (by the name it answers with). */
  answeredBy: Map<string, number>;
  /** Achieved rate over the run, requests per second. */
  rate: number;
  durationMs: number;
}

/**
 * An open-loop load: `ratePerSecond` calls are started per second whatever the previous calls do
 * (slow answers do not slow the sender down, as real clients do not wait for each other).
 * `call` resolves with the name of the instance that answered.
 */
export class SteadyLoad {
  /** Every finished request, in order of completion. */
  readonly records: RequestRecord[] = [];
  private readonly failures = new Map<string, number>();
  private readonly answeredBy = new Map<string, number>();
  private readonly inFlight = new Set<Promise<void>>();
  private running = false;
  private loop: Promise<void> | undefined;
  private startedAt = 0;
  private stoppedAt = 0;

  constructor(
    private readonly call: () => Promise<string>,
    private readonly ratePerSecond: number,
  ) {}

  /** Starts sending. */
  start(): void {
    this.running = true;
    this.startedAt = performance.now();
    this.loop = this.send();
  }

  /** Requests sent in [`from`, `to`) that finished, and how many of them failed. */
  between(from: number, to = Number.POSITIVE_INFINITY): { sent: number; failed: number } {
    const inside = this.records.filter((record) => record.at >= from && record.at < to);
    return { sent: inside.length, failed: inside.filter((record) => !record.ok).length };
  }

  /** Requests that failed so far. */
  get failedSoFar(): number {
    return this.records.filter((record) => !record.ok).length;
  }

  /** Requests sent so far. */
  get sentSoFar(): number {
    return this.records.length + this.inFlight.size;
  }

  /** Stops sending, waits for the calls in flight and reports. */
  async stop(): Promise<LoadReport> {
    this.running = false;
    await this.loop;
    await Promise.all(this.inFlight);
    const durationMs = this.stoppedAt - this.startedAt;
    const failed = this.failedSoFar;
    return {
      sent: this.records.length,
      succeeded: this.records.length - failed,
      failed,
      latency: summarize(this.records.map((record) => record.latencyMs)),
      failures: this.failures,
      answeredBy: this.answeredBy,
      rate: (this.records.length * 1000) / durationMs,
      durationMs,
    };
  }

  private async send(): Promise<void> {
    let sent = 0;
    while (this.running) {
      const at = performance.now();
      const request: Promise<void> = this.call().then(
        (name) => {
          this.records.push({ at, latencyMs: performance.now() - at, ok: true });
          this.answeredBy.set(name, (this.answeredBy.get(name) ?? 0) + 1);
        },
        (error: unknown) => {
          this.records.push({ at, latencyMs: performance.now() - at, ok: false });
          const message = error instanceof Error ? error.message : String(error);
          this.failures.set(message, (this.failures.get(message) ?? 0) + 1);
        },
      );
      const tracked = request.finally(() => this.inFlight.delete(tracked));
      this.inFlight.add(tracked);
      sent++;
      const due = this.startedAt + (sent * 1000) / this.ratePerSecond;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - performance.now())));
    }
    this.stoppedAt = performance.now();
  }
}

/** The failure messages of a report, one line each, for the markdown. */
export function failureLines(report: LoadReport): string {
  if (report.failures.size === 0) return 'none';
  return [...report.failures.entries()]
    .map(([message, count]) => `${count}× ${message}`)
    .join('; ');
}
