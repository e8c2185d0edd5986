import type { EndpointFactory } from '../endpoint-factory.js';
import { InvalidInstanceError } from '../errors/invalid-instance.error.js';
import type { ServiceInstance } from '../service-instance.js';
import { MAX_TIMER_MS } from '../timer-limits.js';
import { HttpEndpointError } from './http-endpoint.error.js';

/** Options of `httpEndpointFactory`. */
export interface HttpEndpointFactoryOptions {
  /**
   * Time allowed for each request, from sending it to the end of the body (`json`/`text`), or to
   * the end of whatever the caller reads of it (`fetch`). @default 5000
   */
  timeoutMs?: number;
  /** Headers sent with every request; a request's own headers override them. @default {} */
  headers?: Record<string, string>;
}

/** One instance, called over HTTP with Node's global `fetch` (connections are kept alive). */
export interface HttpEndpoint {
  /** The instance's base URL, as registered (`http://10.0.0.5:8080`). */
  readonly url: string;
  /** The instance this endpoint calls. */
  readonly instance: ServiceInstance;
  /**
   * Requests `path` resolved against the base URL (`new URL(path, base + '/')`: `'/x'` replaces
   * the base's path, `'x'` extends it). Resolves with any response below 500 (a 4xx is the
   * caller's business); rejects with `HttpEndpointError` on a 5xx, on no response within
   * `timeoutMs` and when the instance cannot be reached; rejects with the caller's abort reason
   * when `init.signal` aborts. A path naming another origin is refused (TypeError).
   */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  /**
   * `fetch`, then the body parsed as JSON (sends `accept: application/json` unless given). A
   * non-2xx status or a body that is not JSON rejects with `HttpEndpointError` (not retryable
   * below 500).
   */
  json<T = unknown>(path: string, init?: RequestInit): Promise<T>;
  /** `fetch`, then the body as text; a non-2xx status rejects like `json`. */
  text(path: string, init?: RequestInit): Promise<string>;
}

/** The defaults of `HttpEndpointFactoryOptions`. */
export const HTTP_ENDPOINT_DEFAULTS = Object.freeze({ timeoutMs: 5000 });

/** How much of a failing answer's body an error message quotes. */
const SNIPPET_CHARS = 300;
/** How much of a failing answer's body an `HttpEndpointError` keeps (`body`, when complete). */
const BODY_BYTES = 4096;

/**
 * The default endpoint factory: an instance whose data is an http(s) URL becomes an
 * `HttpEndpoint`. An instance without a usable URL makes the factory throw an
 * `InvalidInstanceError` naming it and its data, so the endpointer skips it and logs it once.
 * Endpoints need no closing: they share `fetch`'s connection pool.
 * @throws RangeError when `timeoutMs` is not in (0, 2^31-1].
 */
export function httpEndpointFactory(
  options: HttpEndpointFactoryOptions = {},
): EndpointFactory<HttpEndpoint> {
  const timeoutMs = options.timeoutMs ?? HTTP_ENDPOINT_DEFAULTS.timeoutMs;
  if (!(timeoutMs > 0 && timeoutMs <= MAX_TIMER_MS)) {
    throw new RangeError(
      `httpEndpointFactory timeoutMs must be in (0, ${MAX_TIMER_MS}]; got ${timeoutMs}`,
    );
  }
  const headers = Object.freeze({ ...options.headers });
  return (instance) => ({
    endpoint: new InstanceHttpEndpoint(instance, baseUrlOf(instance), timeoutMs, headers),
  });
}

/** A request on its way: what the error mapping needs to know. */
interface Exchange {
  readonly method: string;
  readonly href: string;
  readonly deadline: Deadline;
  readonly callerSignal: AbortSignal | undefined;
}

/** A request's abort signal: the endpoint's timeout and the caller's signal together. */
interface Deadline {
  readonly signal: AbortSignal;
  readonly timedOut: boolean;
  /** The exchange is over (body read, or failed): stop the clock, let go of the caller's signal. */
  done(): void;
}

/**
 * For `json` and `text`, which know when the exchange ends: one AbortController, one timer and one
 * listener on the caller's signal, all released by `done()`. `AbortSignal.timeout` plus
 * `AbortSignal.any` (weak references and a finalization registry) cost 17 µs per request where
 * this costs 3 µs (BENCHMARKS.md, end to end).
 */
function exchangeDeadline(timeoutMs: number, caller: AbortSignal | undefined): Deadline {
  const controller = new AbortController();
  let timedOut = false;
  const onCallerAbort = () => controller.abort(caller?.reason);
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
  }, timeoutMs);
  timer.unref();
  if (caller?.aborted) onCallerAbort();
  else caller?.addEventListener('abort', onCallerAbort, { once: true });
  return {
    signal: controller.signal,
    get timedOut() {
      return timedOut;
    },
    done() {
      clearTimeout(timer);
      caller?.removeEventListener('abort', onCallerAbort);
    },
  };
}

/**
 * For `fetch`, whose caller reads the body after we return: the timeout must go on covering that
 * read, and a listener left on a long-lived caller signal would pile up, so this uses the
 * platform's signals, which hold the caller's signal only weakly.
 */
function lingeringDeadline(timeoutMs: number, caller: AbortSignal | undefined): Deadline {
  const timeout = AbortSignal.timeout(timeoutMs);
  return {
    signal: caller ? AbortSignal.any([caller, timeout]) : timeout,
    get timedOut() {
      return timeout.aborted;
    },
    done() {},
  };
}

class InstanceHttpEndpoint implements HttpEndpoint {
  readonly url: string;

  constructor(
    readonly instance: ServiceInstance,
    private readonly base: URL,
    private readonly timeoutMs: number,
    private readonly headers: Readonly<Record<string, string>>,
  ) {
    this.url = instance.url!;
  }

  async fetch(path: string, init?: RequestInit): Promise<Response> {
    return (await this.send(path, init, undefined, lingeringDeadline)).response;
  }

  async json<T = unknown>(path: string, init?: RequestInit): Promise<T> {
    const { response, exchange } = await this.send(
      path,
      init,
      'application/json',
      exchangeDeadline,
    );
    try {
      await this.requireOk(response, exchange);
      return (await response.json()) as T;
    } catch (error) {
      if (error instanceof HttpEndpointError) throw error;
      throw this.failure(exchange, error, response.status, 'the response body is not valid JSON');
    } finally {
      exchange.deadline.done();
    }
  }

  async text(path: string, init?: RequestInit): Promise<string> {
    const { response, exchange } = await this.send(path, init, undefined, exchangeDeadline);
    try {
      await this.requireOk(response, exchange);
      return await response.text();
    } catch (error) {
      if (error instanceof HttpEndpointError) throw error;
      throw this.failure(exchange, error, response.status, 'reading the response body failed');
    } finally {
      exchange.deadline.done();
    }
  }

  private async send(
    path: string,
    init: RequestInit | undefined,
    accept: string | undefined,
    makeDeadline: (timeoutMs: number, caller: AbortSignal | undefined) => Deadline,
  ): Promise<{ response: Response; exchange: Exchange }> {
    const target = this.resolve(path);
    const callerSignal = init?.signal ?? undefined;
    const deadline = makeDeadline(this.timeoutMs, callerSignal);
    const exchange: Exchange = {
      method: (init?.method ?? 'GET').toUpperCase(),
      href: target.href,
      deadline,
      callerSignal,
    };
    const headers = new Headers(this.headers);
    if (init?.headers) {
      for (const [name, value] of new Headers(init.headers)) headers.set(name, value);
    }
    if (accept && !headers.has('accept')) headers.set('accept', accept);
    let response: Response;
    try {
      response = await fetch(target, { ...init, headers, signal: deadline.signal });
    } catch (error) {
      deadline.done();
      throw this.failure(exchange, error, undefined, describeNetworkError(error));
    }
    if (response.status >= 500) {
      try {
        throw await statusError(response, exchange);
      } finally {
        deadline.done();
      }
    }
    return { response, exchange };
  }

  /** A 3xx/4xx reaching `json`/`text` (a 5xx was thrown by `send`). */
  private async requireOk(response: Response, exchange: Exchange): Promise<void> {
    if (!response.ok) throw await statusError(response, exchange);
  }

  /** The caller's own abort passes through as is; anything else becomes an `HttpEndpointError`. */
  private failure(
    exchange: Exchange,
    error: unknown,
    status: number | undefined,
    reason: string,
  ): unknown {
    if (exchange.callerSignal?.aborted) return exchange.callerSignal.reason ?? error;
    const why = exchange.deadline.timedOut
      ? `no complete response within ${this.timeoutMs} ms`
      : reason;
    return new HttpEndpointError(exchange.method, exchange.href, status, why, { cause: error });
  }

  private resolve(path: string): URL {
    const target = new URL(path, this.base);
    if (target.origin !== this.base.origin) {
      throw new TypeError(
        `HttpEndpoint ${this.url}: "${path}" resolves to ${target.origin}, not this instance; ` +
          'pass a path such as "/health"',
      );
    }
    return target;
  }
}

/** The instance's URL as a base for relative paths (path ending in '/', no query or fragment). */
function baseUrlOf(instance: ServiceInstance): URL {
  const unusable = (why: string) =>
    new InvalidInstanceError(
      instance.id,
      `Instance ${instance.id} (${instance.path}) cannot be called over HTTP: ${why}; its data is ` +
        `${JSON.stringify(instance.raw.toString('utf8').slice(0, 200))}. Register it with an ` +
        'http(s) address (go-kit data such as "http://10.0.0.5:8080", or a Curator/Spring address ' +
        'and port), or give this endpointer a `factory` for its protocol.',
    );
  if (!instance.url) throw unusable('it has no URL');
  let url: URL;
  try {
    url = new URL(instance.url);
  } catch {
    throw unusable(`"${instance.url}" is not a valid URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw unusable(`only http: and https: URLs are supported, not ${url.protocol}`);
  }
  if (url.username || url.password) {
    throw unusable('fetch refuses URLs with credentials (send them in an authorization header)');
  }
  // Each URL setter re-serializes the URL in native code: only call the ones that change it.
  if (url.search) url.search = '';
  if (url.hash) url.hash = '';
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return url;
}

/** fetch says only "fetch failed"; the reason (ECONNREFUSED, ...) is in its cause. */
function describeNetworkError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause: unknown = error.cause;
  return cause instanceof Error && cause.message
    ? `${error.message}: ${cause.message}`
    : error.message;
}

/** The error for an answer with a failing status, carrying the start of its body. */
async function statusError(response: Response, exchange: Exchange): Promise<HttpEndpointError> {
  const { text, complete } = await bodyStart(response);
  const snippet = text.slice(0, SNIPPET_CHARS).replace(/\s+/g, ' ').trim();
  const status = `${response.status} ${response.statusText}`.trim();
  return new HttpEndpointError(
    exchange.method,
    exchange.href,
    response.status,
    snippet ? `${status}: ${snippet}` : status,
    { body: complete ? text : undefined, contentType: response.headers.get('content-type') },
  );
}

/** Up to `BODY_BYTES` of a response body; the rest is discarded. Never throws. */
async function bodyStart(response: Response): Promise<{ text: string; complete: boolean }> {
  if (!response.body) return { text: '', complete: true };
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let complete = false;
  try {
    while (size <= BODY_BYTES) {
      const { done, value } = await reader.read();
      if (done) {
        complete = true;
        break;
      }
      chunks.push(value);
      size += value.byteLength;
    }
  } catch {
    // A body that fails midway still gives what was read.
  } finally {
    reader.cancel().catch(() => {});
  }
  const text = Buffer.concat(chunks).toString('utf8', 0, Math.min(size, BODY_BYTES));
  return { text, complete: complete && size <= BODY_BYTES };
}
