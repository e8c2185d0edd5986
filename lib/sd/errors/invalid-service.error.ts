/** A path, name or payload given to the discovery core is unusable; nothing was written. */
export class InvalidServiceError extends TypeError {
  override name = 'InvalidServiceError';
}
