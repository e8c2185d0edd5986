import type { EndpointSource } from '../endpointer/endpoint-source.js';
import { NoEndpointsError } from '../errors/no-endpoints.error.js';
import type { Balancer } from './balancer.js';
import { EndpointWeights } from './endpoint-weights.js';

const HASH_RANGE = 4294967296;

/** A balancer that picks by key only: calls without a key go to another balancer. */
export type KeyedBalancer<E> = Required<Pick<Balancer<E>, 'pickFor'>>;

/**
 * Picks by key over `endpointer`'s endpoints (rendezvous hashing, see `KeyAffinity` below).
 * `idOf` names an endpoint stably (its instance id), so keys stay put as others come and go.
 */
export function keyAffinity<E>(
  endpointer: EndpointSource<E>,
  idOf: (endpoint: E, index: number) => string,
): KeyedBalancer<E> {
  return new KeyAffinity(endpointer, idOf);
}

/**
 * Picks by a request key with rendezvous hashing (highest random weight): every endpoint gets a
 * score from the key and its instance's id, and the highest wins. The same key goes to the same
 * instance while it is there; when one joins, only the keys it now wins move to it (about 1/n),
 * and when one leaves only its own keys move, each to its next best. The next best is also where
 * a retry goes. O(n) integer work per pick, no allocation; the ids are hashed once per change.
 *
 * When the instances' weights differ it is weighted rendezvous hashing: an instance's score is
 * `-weight / ln(hash)` (the hash taken in (0, 1)), so each gets a share of the keys in proportion
 * to its weight, and a change of weight moves only the keys that share must gain or lose.
 */
class KeyAffinity<E> implements KeyedBalancer<E> {
  private seen: readonly E[] | undefined;
  private idHashes = new Uint32Array(0);
  private readonly weights = new EndpointWeights();

  constructor(
    private readonly endpointer: EndpointSource<E>,
    /** The id of an endpoint's instance (stable while the instance is registered). */
    private readonly idOf: (endpoint: E, index: number) => string,
  ) {}

  /**
   * The endpoint `key` goes to; with `skip`, the best one it does not reject (the best one when
   * it rejects them all). @throws NoEndpointsError when there is none.
   */
  pickFor(key: string, skip?: (endpoint: E) => boolean): E {
    const endpoints = this.endpointer.endpoints();
    if (endpoints.length === 0) throw new NoEndpointsError(this.endpointer.name);
    if (endpoints !== this.seen) this.follow(endpoints);
    const weighted = this.weights.follow(this.endpointer);
    const keyHash = fnv1a(key);
    let best = -1;
    let bestScore = Number.NEGATIVE_INFINITY;
    let first = 0;
    let firstScore = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < endpoints.length; i++) {
      const hash = mix(keyHash ^ this.idHashes[i]!);
      const score = weighted ? -this.weights.of[i]! / Math.log((hash + 0.5) / HASH_RANGE) : hash;
      if (score > firstScore) {
        firstScore = score;
        first = i;
      }
      if (score > bestScore && !skip?.(endpoints[i]!)) {
        bestScore = score;
        best = i;
      }
    }
    return endpoints[best === -1 ? first : best]!;
  }

  private follow(endpoints: readonly E[]): void {
    const hashes = new Uint32Array(endpoints.length);
    for (let i = 0; i < endpoints.length; i++) hashes[i] = fnv1a(this.idOf(endpoints[i]!, i));
    this.idHashes = hashes;
    this.seen = endpoints;
  }
}

/** FNV-1a over the string's UTF-16 units: 32 bits, no allocation. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** A 32-bit finalizer (murmur3's fmix32): spreads the combined hash over all bits. */
function mix(value: number): number {
  let h = value;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
