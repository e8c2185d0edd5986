/** A child node as read from ZooKeeper: what every format decodes. */
export interface InstanceNode {
  /** The child's name (its instance id). */
  readonly name: string;
  /** The child's full path. */
  readonly path: string;
  readonly data: Buffer;
}
