import type { ZkLogger } from '../client/zk-logger.js';
import type { InstancerSnapshot, ServiceInstance } from '../sd/service-instance.js';

/** At most one line per path in this time, however fast instances come and go. */
const MIN_INTERVAL_MS = 5000;
/** Instances named in one line; more are counted. */
const NAMED = 5;

/**
 * Logs, for one path, what a newcomer wants to see: which instances joined and left. The first
 * change after a quiet spell is logged at once; changes within `MIN_INTERVAL_MS` of a line are
 * gathered into the next one (a rolling restart of 50 instances is a few lines, not 100).
 */
export class MembershipLog {
  private known: Map<string, ServiceInstance> | undefined;
  private joined = new Map<string, ServiceInstance>();
  private left = new Map<string, ServiceInstance>();
  private lastLineAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private count = 0;

  constructor(
    private readonly path: string,
    private readonly logger: ZkLogger,
  ) {}

  /** The instances now; the first call sets what is known, without a line. */
  update(snapshot: InstancerSnapshot): void {
    if (snapshot.error) return;
    const now = new Map(snapshot.instances.map((instance) => [instance.id, instance]));
    this.count = now.size;
    if (!this.known) {
      this.known = now;
      return;
    }
    for (const [id, instance] of now) {
      if (this.known.has(id)) continue;
      if (!this.left.delete(id)) this.joined.set(id, instance);
    }
    for (const [id, instance] of this.known) {
      if (now.has(id)) continue;
      if (!this.joined.delete(id)) this.left.set(id, instance);
    }
    this.known = now;
    this.schedule();
  }

  close(): void {
    clearTimeout(this.timer);
  }

  private schedule(): void {
    if (this.timer || (this.joined.size === 0 && this.left.size === 0)) return;
    const wait = Math.max(0, this.lastLineAt + MIN_INTERVAL_MS - Date.now());
    if (wait === 0) {
      this.flush();
      return;
    }
    this.timer = setTimeout(() => this.flush(), wait);
    this.timer.unref();
  }

  private flush(): void {
    this.timer = undefined;
    if (this.joined.size === 0 && this.left.size === 0) return;
    const parts = [
      this.joined.size > 0 ? `${this.joined.size} joined (${named(this.joined)})` : '',
      this.left.size > 0 ? `${this.left.size} left (${named(this.left)})` : '',
    ].filter(Boolean);
    this.logger.log(`${this.path}: ${parts.join(', ')}; ${instances(this.count)} now`);
    this.joined = new Map();
    this.left = new Map();
    this.lastLineAt = Date.now();
  }
}

/** `2 instances`, `1 instance`, `no instance`. */
export function instances(count: number): string {
  if (count === 0) return 'no instance';
  return `${count} instance${count === 1 ? '' : 's'}`;
}

function named(byId: Map<string, ServiceInstance>): string {
  const all = [...byId.values()].map(({ address, port }) =>
    port === undefined ? address : `${address}:${port}`,
  );
  const shown = all.slice(0, NAMED).join(', ');
  return all.length > NAMED ? `${shown} and ${all.length - NAMED} more` : shown;
}
