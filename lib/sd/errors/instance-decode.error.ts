/** The bytes of an instance node could not be turned into a `ServiceInstance`. */
export class InstanceDecodeError extends Error {
  override name = 'InstanceDecodeError';

  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`Instance node ${path} skipped: ${reason}`);
  }
}
