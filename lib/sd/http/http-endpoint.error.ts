/**
 * An HTTP endpoint's instance failed the call: it answered 5xx (`status` set), did not answer
 * within the timeout, or could not be reached (`status` undefined, `cause` says why). Retry moves
 * to another instance on it. A 4xx is the caller's problem: `fetch` returns it as a response, and
 * `json`/`text` reject with this error marked `retryable: false`.
 */
export class HttpEndpointError extends Error {
  override name = 'HttpEndpointError';

  constructor(
    /** The method called. */
    readonly method: string,
    /** The full URL called. */
    readonly url: string,
    /** The response status, or undefined when no response came. */
    readonly status: number | undefined,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`${method} ${url} failed: ${reason}`, options);
  }

  /** False for a 4xx (asking another instance would get the same answer), true otherwise. */
  get retryable(): boolean {
    return this.status === undefined || this.status >= 500;
  }
}
