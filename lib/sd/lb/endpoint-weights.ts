import type { EndpointSource } from '../endpointer/endpoint-source.js';
import type { ServiceInstance } from '../service-instance.js';

/**
 * The weights of a source's endpoints (each instance's `weight`, 1 when unset), read again only
 * when the source's instance list changes: one identity check per pick. While every weight is
 * the same, `weighted` is false and balancers run their plain picks, so weights cost nothing
 * where none are set.
 */
export class EndpointWeights {
  /** True when the weights differ: `of` and `cumulative` are then filled. */
  weighted = false;
  /** Weight by endpoint index. */
  of = new Float64Array(0);
  /** `cumulative[i]`: the sum of the weights of endpoints 0..i. */
  cumulative = new Float64Array(0);
  /** The sum of all weights. */
  total = 0;
  private seen: readonly ServiceInstance[] | undefined;

  /** Follows the source's current instances; returns `weighted`. */
  follow(source: EndpointSource<unknown>): boolean {
    const instances = source.instances?.();
    if (instances === this.seen) return this.weighted;
    this.seen = instances;
    this.weighted = false;
    if (!instances || instances.length < 2) return false;
    const first = instances[0]!.weight ?? 1;
    let differ = false;
    for (let i = 1; i < instances.length && !differ; i++) {
      differ = (instances[i]!.weight ?? 1) !== first;
    }
    if (!differ) return false;
    const count = instances.length;
    if (this.of.length !== count) {
      this.of = new Float64Array(count);
      this.cumulative = new Float64Array(count);
    }
    let total = 0;
    for (let i = 0; i < count; i++) {
      const weight = instances[i]!.weight ?? 1;
      this.of[i] = weight;
      total += weight;
      this.cumulative[i] = total;
    }
    this.total = total;
    this.weighted = true;
    return true;
  }

  /** The index whose share of `[0, total)` holds `point` (binary search over `cumulative`). */
  indexAt(point: number): number {
    const cumulative = this.cumulative;
    let low = 0;
    let high = cumulative.length - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (cumulative[middle]! > point) high = middle;
      else low = middle + 1;
    }
    return low;
  }
}
