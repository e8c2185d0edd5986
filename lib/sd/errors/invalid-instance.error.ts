/**
 * An endpoint factory cannot use an instance (e.g. its data is not an http(s) URL). The
 * endpointer skips that instance and logs this message once; the other instances stand.
 */
export class InvalidInstanceError extends TypeError {
  override name = 'InvalidInstanceError';

  constructor(
    /** The instance's id (its znode name). */
    readonly instanceId: string,
    message: string,
  ) {
    super(message);
  }
}
