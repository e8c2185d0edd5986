/**
 * An HTTP endpoint's instance failed the call: it answered 5xx (`status` set), did not answer
 * within the timeout, or could not be reached (`status` undefined, `cause` says why). Retry moves
 * to another instance on it. A 4xx is the caller's problem: `fetch` returns it as a response, and
 * `json`/`text` reject with this error marked `retryable: false`.
 */
export class HttpEndpointError extends Error {
  override name = 'HttpEndpointError';

  /** The answer's body, when it came whole and within 4 KiB (for passing a 4xx on). */
  readonly body: string | undefined;
  /** The answer's `content-type`, when there was an answer with one. */
  readonly contentType: string | undefined;

  constructor(
    /** The method called. */
    readonly method: string,
    /** The full URL called. */
    readonly url: string,
    /** The response status, or undefined when no response came. */
    readonly status: number | undefined,
    /** What went wrong, e.g. `503 Service Unavailable: ...` or `fetch failed: connect ECONNREFUSED`. */
    readonly reason: string,
    options?: { cause?: unknown; body?: string | undefined; contentType?: string | null },
  ) {
    super(`${method} ${url} failed: ${reason}`, options);
    this.body = options?.body;
    this.contentType = options?.contentType ?? undefined;
  }

  /** False for a 4xx (asking another instance would get the same answer), true otherwise. */
  get retryable(): boolean {
    return this.status === undefined || this.status >= 500;
  }
}
