/**
 * How an instance node is laid out and encoded in ZooKeeper.
 * - `gokit`: go-kit's `sd/zk` (our default): `path/name/_c_<guid>-<seq>`, ephemeral sequential,
 *   the data is raw bytes, conventionally the instance's URL.
 * - `curator`: Apache Curator's service discovery: `basePath/name/<uuid>`, ephemeral, the data is
 *   Curator's `ServiceInstance` as JSON.
 * - `spring`: Spring Cloud Zookeeper: Curator's layout and JSON, with a `ZookeeperInstance`
 *   payload carrying the application's metadata and `instance_status`.
 */
export type InstanceFormat = 'gokit' | 'curator' | 'spring';

/** Every format, in the order they are documented. */
export const INSTANCE_FORMATS: readonly InstanceFormat[] = Object.freeze([
  'gokit',
  'curator',
  'spring',
]);
