import type { EndpointSource, ServiceInstance } from '../sd/index.js';
import type { SubchannelEndpoint } from './subchannel-endpoint.js';

/** A source of endpoints with their instances (an endpointer, an outlier detector). */
interface Upstream extends EndpointSource<SubchannelEndpoint> {
  instances(): readonly ServiceInstance[];
}

/**
 * The endpoints of `upstream` whose connection passes `keep` (connected; not failing). Worked out
 * again only when the upstream list changes or `changed()` says a connection did (O(n)); while
 * every one passes, the upstream's own arrays are handed on (no copy).
 */
export class FilteredEndpoints implements EndpointSource<SubchannelEndpoint> {
  readonly name: string | undefined;
  private version = 0;
  private seenVersion = -1;
  private seen: readonly SubchannelEndpoint[] | undefined;
  private kept: readonly SubchannelEndpoint[] = [];
  private keptInstances: readonly ServiceInstance[] = [];

  constructor(
    private readonly upstream: Upstream,
    private readonly keep: (endpoint: SubchannelEndpoint) => boolean,
  ) {
    this.name = upstream.name;
  }

  /** A connection's state changed. */
  changed(): void {
    this.version++;
  }

  endpoints(): readonly SubchannelEndpoint[] {
    this.refresh();
    return this.kept;
  }

  instances(): readonly ServiceInstance[] {
    this.refresh();
    return this.keptInstances;
  }

  private refresh(): void {
    const all = this.upstream.endpoints();
    if (all === this.seen && this.version === this.seenVersion) return;
    this.seen = all;
    this.seenVersion = this.version;
    const instances = this.upstream.instances();
    if (all.every(this.keep)) {
      this.kept = all;
      this.keptInstances = instances;
      return;
    }
    const kept: SubchannelEndpoint[] = [];
    const keptInstances: ServiceInstance[] = [];
    for (let i = 0; i < all.length; i++) {
      if (!this.keep(all[i]!)) continue;
      kept.push(all[i]!);
      keptInstances.push(instances[i]!);
    }
    this.kept = kept;
    this.keptInstances = keptInstances;
  }
}
