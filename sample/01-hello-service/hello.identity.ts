/** Which instance this is, so callers can see who answered. */
export class HelloIdentity {
  constructor(readonly name: string) {}
}
