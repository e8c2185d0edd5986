import { messageOf } from '../../client/error-message.js';
import { checkNumber, checkTimerMs } from '../../client/option-checks.js';
import type { ZkLogger } from '../../client/zk-logger.js';

/**
 * Health-gated registration: the app runs its own check at an interval and leaves discovery while
 * it fails, so consumers stop calling an instance that is registered but cannot serve (its
 * database is down, it is overloaded).
 */
export interface RegistrationHealthOptions {
  /**
   * The check: it passes unless it throws, rejects, returns `false` or takes longer than
   * `timeoutMs`. Called once per `intervalMs`, never twice at the same time.
   */
  check: () => unknown;
  /** Time between checks. @default 5000 */
  intervalMs?: number;
  /** A check still running after this long has failed. @default 2000 */
  timeoutMs?: number;
  /** Failed checks in a row that take the instance out of discovery. @default 3 */
  failuresToLeave?: number;
  /** Passed checks in a row that bring it back. @default 3 */
  passesToReturn?: number;
}

/** The defaults of `RegistrationHealthOptions`. */
export const REGISTRATION_HEALTH_DEFAULTS = Object.freeze({
  intervalMs: 5000,
  timeoutMs: 2000,
  failuresToLeave: 3,
  passesToReturn: 3,
});

type Resolved = Required<RegistrationHealthOptions>;

/**
 * Runs the check and says when the instance should leave (`onChange(reason)`) and come back
 * (`onChange(undefined)`): after `failuresToLeave` failures in a row, and `passesToReturn` passes
 * in a row. So it changes state at most once per `min(failuresToLeave, passesToReturn)` checks.
 */
export class HealthGate {
  private readonly options: Resolved;
  private timer: NodeJS.Timeout | undefined;
  private failures = 0;
  private passes = 0;
  private failing: string | undefined;
  private running = false;
  private stopped = false;

  constructor(
    options: RegistrationHealthOptions,
    private readonly onChange: (failing: string | undefined) => void,
    private readonly logger: ZkLogger,
  ) {
    this.options = resolveRegistrationHealth(options);
  }

  start(): void {
    if (this.timer || this.stopped) return;
    this.timer = setInterval(() => void this.runOnce(), this.options.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private async runOnce(): Promise<void> {
    if (this.running || this.stopped) return;
    this.running = true;
    try {
      const failure = await this.attempt();
      if (this.stopped) return;
      if (failure === undefined) this.passed();
      else this.failed(failure);
    } finally {
      this.running = false;
    }
  }

  /** One check: undefined when it passed, else why it failed. */
  private async attempt(): Promise<string | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<string>((resolve) => {
      timer = setTimeout(
        () => resolve(`no answer within ${this.options.timeoutMs} ms`),
        this.options.timeoutMs,
      );
    });
    const outcome = (async () => {
      try {
        return (await this.options.check()) === false ? 'it returned false' : undefined;
      } catch (error) {
        return messageOf(error);
      }
    })();
    try {
      return await Promise.race([outcome, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private passed(): void {
    this.failures = 0;
    if (this.failing === undefined) return;
    this.passes++;
    if (this.passes < this.options.passesToReturn) return;
    this.passes = 0;
    this.failing = undefined;
    this.logger.log(
      `Health check passed ${this.options.passesToReturn} times in a row: back in discovery`,
    );
    this.onChange(undefined);
  }

  private failed(reason: string): void {
    this.passes = 0;
    if (this.failing !== undefined) return;
    this.failures++;
    if (this.failures < this.options.failuresToLeave) return;
    this.failures = 0;
    this.failing = reason;
    this.logger.warn(
      `Health check failed ${this.options.failuresToLeave} times in a row (${reason}): leaving ` +
        'discovery until it passes again',
    );
    this.onChange(reason);
  }
}

/**
 * The options with their defaults, checked.
 * @throws TypeError naming the option, its value and what it must be.
 */
export function resolveRegistrationHealth(options: RegistrationHealthOptions): Resolved {
  const resolved = { ...REGISTRATION_HEALTH_DEFAULTS, ...options };
  if (typeof resolved.check !== 'function') {
    throw new TypeError(
      `registration.health.check must be a function (() => boolean | Promise<unknown>); got ${typeof resolved.check}`,
    );
  }
  for (const name of ['intervalMs', 'timeoutMs'] as const) {
    checkTimerMs(`registration.health.${name}`, resolved[name], {
      defaultValue: REGISTRATION_HEALTH_DEFAULTS[name],
    });
  }
  for (const name of ['failuresToLeave', 'passesToReturn'] as const) {
    checkNumber(`registration.health.${name}`, resolved[name], {
      min: 1,
      integer: true,
      defaultValue: REGISTRATION_HEALTH_DEFAULTS[name],
    });
  }
  return resolved;
}
