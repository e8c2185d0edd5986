/**
 * How an instance node is laid out and encoded in ZooKeeper: the formats this library writes
 * (a registration's `format`) and reads.
 * - `gokit`: go-kit's `sd/zk` (our default): `path/name/_c_<guid>-<seq>`, ephemeral sequential,
 *   the data is raw bytes, conventionally the instance's URL.
 * - `curator`: Apache Curator's service discovery: `basePath/name/<uuid>`, ephemeral, the data is
 *   Curator's `ServiceInstance` as JSON.
 * - `spring`: Spring Cloud Zookeeper: Curator's layout and JSON, with a `ZookeeperInstance`
 *   payload carrying the application's metadata and `instance_status`.
 */
export type InstanceFormat = 'gokit' | 'curator' | 'spring';

/** Every format a registration can be written in, in the order they are documented. */
export const INSTANCE_FORMATS: readonly InstanceFormat[] = Object.freeze([
  'gokit',
  'curator',
  'spring',
]);

/**
 * Every format an instancer reads: the written ones, and two we only read (never write).
 * - `dubbo`: Apache Dubbo's ZooKeeper registry: `/dubbo/<interface>/providers/<URL-encoded
 *   provider URL>`; the node's NAME is the registration, its data is not read.
 * - `finagle`: Finagle / Aurora serversets: `member_<seq>` nodes holding Twitter's
 *   `ServiceInstance` JSON (`serviceEndpoint`, `additionalEndpoints`, `status`, `shard`).
 */
export type ReadFormat = InstanceFormat | 'dubbo' | 'finagle';

/** Formats that are read but never written: a registration in one of them is refused. */
export const READ_ONLY_FORMATS: readonly ReadFormat[] = Object.freeze(['dubbo', 'finagle']);

/** Every format read, in the order they are documented. */
export const READ_FORMATS: readonly ReadFormat[] = Object.freeze([
  ...INSTANCE_FORMATS,
  ...READ_ONLY_FORMATS,
]);
