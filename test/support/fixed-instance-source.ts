import type {
  InstancerSnapshot,
  InstanceSource,
  ServiceInstance,
} from '../../lib/sd/service-instance.js';

/**
 * An `InstanceSource` whose snapshots the test publishes by hand: the pure-logic stand-in for an
 * instancer (endpointer, balancer and retry tests need no ZooKeeper).
 */
export class FixedInstanceSource implements InstanceSource {
  snapshot: InstancerSnapshot | undefined;
  private readonly listeners = new Set<(snapshot: InstancerSnapshot) => void>();

  constructor(readonly path = '/services/test/abc') {}

  /** How many subscribers are attached (0 once every consumer unsubscribed). */
  get listenerCount(): number {
    return this.listeners.size;
  }

  subscribe(listener: (snapshot: InstancerSnapshot) => void): () => void {
    this.listeners.add(listener);
    if (this.snapshot) listener(this.snapshot);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Publishes a snapshot; `stale` defaults to false, `updatedAt` to now. */
  publish(snapshot: {
    instances: readonly ServiceInstance[];
    error?: Error;
    stale?: boolean;
  }): void {
    const next: InstancerSnapshot = {
      stale: false,
      updatedAt: Date.now(),
      ...snapshot,
    };
    this.snapshot = next;
    for (const listener of this.listeners) listener(next);
  }

  /** Publishes a good snapshot of these instances. */
  publishInstances(...instances: ServiceInstance[]): void {
    this.publish({ instances });
  }

  /** Publishes a failing snapshot that keeps the last instances, as the instancer does. */
  fail(error = new Error('connection loss')): void {
    this.publish({ instances: this.snapshot?.instances ?? [], error, stale: true });
  }
}

/**
 * An instance as the go-kit decoder would make it from `data`: a URL gives `url`, `address` and
 * `port`; anything else is an instance without URL.
 */
export function testInstance(
  id: string,
  data: string,
  servicePath = '/services/test/abc',
): ServiceInstance {
  let url: URL | undefined;
  try {
    url = /^[a-z]+:\/\//i.test(data) ? new URL(data) : undefined;
  } catch {
    url = undefined;
  }
  return {
    id,
    path: `${servicePath}/${id}`,
    address: url?.hostname ?? '',
    port: url?.port ? Number(url.port) : undefined,
    url: url ? data.replace(/\/+$/, '') : undefined,
    metadata: {},
    raw: Buffer.from(data),
  };
}

/** A logger that records what it is told, for asserting "logged once". */
export class RecordingLogger {
  readonly lines: { level: 'log' | 'warn' | 'error' | 'debug'; message: string }[] = [];
  log(message: string): void {
    this.lines.push({ level: 'log', message });
  }
  warn(message: string): void {
    this.lines.push({ level: 'warn', message });
  }
  error(message: string): void {
    this.lines.push({ level: 'error', message });
  }
  debug(message: string): void {
    this.lines.push({ level: 'debug', message });
  }
  /** Lines whose message contains `text`. */
  matching(text: string): string[] {
    return this.lines.filter((line) => line.message.includes(text)).map((line) => line.message);
  }
}

/** An `EndpointSource` of plain strings whose list a test replaces (balancer tests). */
export function settableEndpoints(ids: readonly string[]) {
  let endpoints: readonly string[] = ids;
  return {
    name: '/services/hello',
    endpoints: () => endpoints,
    set(next: readonly string[]) {
      endpoints = next;
    },
  };
}

/** An instance with traits, for balancer and zone tests that need no bytes. */
export interface TraitSpec {
  id: string;
  weight?: number;
  zone?: string;
}

/**
 * An `EndpointSource` of plain strings (the ids) with the instances behind them, carrying the
 * given weights and zones; a test replaces the list with `set`.
 */
export function settableInstances(specs: readonly TraitSpec[]) {
  const build = (list: readonly TraitSpec[]) => ({
    endpoints: Object.freeze(list.map((spec) => spec.id)),
    instances: Object.freeze(
      list.map((spec) => ({
        ...testInstance(spec.id, `http://127.0.0.1:${8000 + list.indexOf(spec)}`),
        ...(spec.weight === undefined ? {} : { weight: spec.weight }),
        ...(spec.zone === undefined ? {} : { zone: spec.zone }),
      })),
    ),
  });
  let current = build(specs);
  return {
    name: '/services/hello',
    endpoints: () => current.endpoints,
    instances: () => current.instances,
    set(next: readonly TraitSpec[]) {
      current = build(next);
    },
  };
}
