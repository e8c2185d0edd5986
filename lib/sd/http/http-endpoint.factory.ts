import { createRequire } from 'node:module';
import type { Pool } from 'undici';
import { checkTimerMs } from '../../client/option-checks.js';
import type { EndpointFactory } from '../endpointer/endpoint-factory.js';
import { parsePlainHttpUrl } from '../formats/plain-http-url.js';
import type { ServiceInstance } from '../service-instance.js';
import {
  describeNetworkError,
  type Exchange,
  exchangeFailure,
  type FailedAnswer,
  statusError,
} from './http-failure.js';
import { baseUrlOf } from './instance-base-url.js';
import {
  type Deadline,
  exchangeDeadline,
  lingeringDeadline,
  withinDeadline,
} from './request-deadline.js';

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

/**
 * One instance, called over HTTP. `json` and `text` (the call path of a gateway) use undici's
 * `request` on a keep-alive connection pool of this instance's own; `fetch` uses Node's global
 * `fetch`, for its `Response` (also kept alive).
 */
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

/**
 * The default endpoint factory: an instance whose data is an http(s) URL becomes an
 * `HttpEndpoint`. An instance without a usable URL makes the factory throw an
 * `InvalidInstanceError` naming it and its data, so the endpointer skips it and logs it once.
 * The endpointer closes an endpoint's pool when its instance leaves (in-flight requests finish).
 * @throws RangeError when `timeoutMs` is not in (0, 2^31-1].
 */
export function httpEndpointFactory(
  options: HttpEndpointFactoryOptions = {},
): EndpointFactory<HttpEndpoint> {
  const timeoutMs = checkTimerMs(
    'httpEndpointFactory timeoutMs',
    options.timeoutMs ?? HTTP_ENDPOINT_DEFAULTS.timeoutMs,
    { defaultValue: HTTP_ENDPOINT_DEFAULTS.timeoutMs },
  );
  const headers = Object.freeze({ ...options.headers });
  const lowerCaseHeaders = Object.freeze(
    Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value])),
  );
  return (instance) => {
    // A plain http(s) URL is valid as it is: its URL object waits for the first request (making
    // one costs about 10 µs, on the path of every discovery change). Others are checked now.
    const plain = instance.url !== undefined && parsePlainHttpUrl(instance.url) !== undefined;
    const endpoint = new InstanceHttpEndpoint(
      instance,
      plain ? undefined : baseUrlOf(instance),
      timeoutMs,
      headers,
      lowerCaseHeaders,
    );
    return { endpoint, close: () => endpoint.close() };
  };
}

/** A `json`/`text` request's answer, as undici's `request` gives it. */
type PoolAnswer = Awaited<ReturnType<Pool['request']>>;

/**
 * undici, loaded at the first request of the first endpoint: importing it costs about 50 ms, which
 * a process that never calls over HTTP (the CLI, a registering-only app) should not pay.
 */
let PoolClass: typeof Pool | undefined;
function newPool(origin: string): Pool {
  PoolClass ??= (createRequire(import.meta.url)('undici') as typeof import('undici')).Pool;
  return new PoolClass(origin);
}

/** How many resolved paths an endpoint keeps; beyond it (paths with ids in them) it starts over. */
const RESOLVED_PATHS = 64;

/** What `json` and `text` read a body with: undici's body and a fetch `Response` both have it. */
interface BodyReader {
  json(): Promise<unknown>;
  text(): Promise<string>;
}

class InstanceHttpEndpoint implements HttpEndpoint {
  readonly url: string;
  /**
   * This instance's connections (keep-alive), for `json` and `text`; closed when it leaves. Made
   * at the first request: making endpoints is on the path of every discovery change (a burst of
   * registrations makes hundreds), calling them is not.
   */
  private poolOrUndefined: Pool | undefined;
  private closed = false;
  /** Paths already resolved against the base URL (at most `RESOLVED_PATHS`), from the first call. */
  private resolved: Map<string, URL> | undefined;

  constructor(
    readonly instance: ServiceInstance,
    /** The base URL, when the factory made it already (see {@link base}). */
    private baseOrUndefined: URL | undefined,
    private readonly timeoutMs: number,
    private readonly headers: Readonly<Record<string, string>>,
    /** `headers` with lower-case names, for `request` (made once per factory). */
    private readonly lowerCaseHeaders: Readonly<Record<string, string>>,
  ) {
    this.url = instance.url!;
  }

  async fetch(path: string, init?: RequestInit): Promise<Response> {
    return (await this.sendThroughFetch(path, init)).response;
  }

  json<T = unknown>(path: string, init?: RequestInit): Promise<T> {
    return this.read(path, init, 'application/json', async (body) => (await body.json()) as T);
  }

  text(path: string, init?: RequestInit): Promise<string> {
    return this.read(path, init, undefined, (body) => body.text());
  }

  /** Closes the connections once the requests in flight are answered. */
  async close(): Promise<void> {
    this.closed = true;
    await this.poolOrUndefined?.close();
  }

  private get base(): URL {
    this.baseOrUndefined ??= baseUrlOf(this.instance);
    return this.baseOrUndefined;
  }

  private get pool(): Pool {
    if (this.poolOrUndefined) return this.poolOrUndefined;
    if (this.closed) throw new TypeError(`HttpEndpoint ${this.url} is closed: its instance left`);
    this.poolOrUndefined = newPool(this.base.origin);
    return this.poolOrUndefined;
  }

  /**
   * `json` and `text`: one `request` on this instance's pool, the body read whole within the
   * deadline. A redirect is followed through `fetch`, which knows how; a body `request` cannot
   * send as is (a stream, a form) goes through `fetch` too.
   */
  private async read<T>(
    path: string,
    init: RequestInit | undefined,
    accept: string | undefined,
    parse: (body: BodyReader) => Promise<T>,
  ): Promise<T> {
    if (!sendsAsIs(init?.body)) return this.readThroughFetch(path, init, accept, parse);
    const target = this.resolve(path);
    const exchange = this.exchange(target, init, exchangeDeadline);
    try {
      let answer: PoolAnswer;
      try {
        const request = this.pool.request({
          path: target.pathname + target.search,
          method: exchange.method as 'GET',
          headers: this.requestHeaders(init, accept),
          body: (init?.body as string | Uint8Array | null | undefined) ?? null,
          signal: exchange.deadline.signal,
        });
        answer = await withinDeadline(request, exchange.deadline.signal);
      } catch (error) {
        throw exchangeFailure(exchange, error, undefined, describeNetworkError(error));
      }
      const { statusCode, headers, body } = answer;
      if (
        statusCode >= 300 &&
        statusCode < 400 &&
        headers.location &&
        init?.redirect !== 'manual'
      ) {
        await body.dump();
        return await this.readThroughFetch(path, init, accept, parse);
      }
      if (statusCode >= 300) {
        const contentType = headers['content-type'];
        throw await statusError(
          { status: statusCode, contentType: String(contentType ?? ''), body },
          exchange,
        );
      }
      return await parseOrFail(parse, body, exchange, statusCode, accept);
    } finally {
      exchange.deadline.done();
    }
  }

  /** `json`/`text` through `fetch` (redirects, bodies `request` cannot send). */
  private async readThroughFetch<T>(
    path: string,
    init: RequestInit | undefined,
    accept: string | undefined,
    parse: (body: BodyReader) => Promise<T>,
  ): Promise<T> {
    const headers = new Headers(init?.headers);
    if (accept && !headers.has('accept')) headers.set('accept', accept);
    const { response, exchange } = await this.sendThroughFetch(path, { ...init, headers });
    if (!response.ok) throw await statusError(failedAnswerOf(response), exchange);
    return parseOrFail(parse, response, exchange, response.status, accept);
  }

  /**
   * Node's global `fetch` with the endpoint's headers and deadline (which goes on covering the
   * caller's read of the body); a 5xx, a network error or the deadline rejects. The exchange
   * comes back with the response, for failures while the body is read.
   */
  private async sendThroughFetch(
    path: string,
    init: RequestInit | undefined,
  ): Promise<{ response: Response; exchange: Exchange<AbortSignal> }> {
    const target = this.resolve(path);
    const exchange = this.exchange(target, init, lingeringDeadline);
    const headers = new Headers(this.headers);
    if (init?.headers) {
      for (const [name, value] of new Headers(init.headers)) headers.set(name, value);
    }
    let response: Response;
    try {
      response = await fetch(target, { ...init, headers, signal: exchange.deadline.signal });
    } catch (error) {
      throw exchangeFailure(exchange, error, undefined, describeNetworkError(error));
    }
    if (response.status >= 500) throw await statusError(failedAnswerOf(response), exchange);
    return { response, exchange };
  }

  private exchange<S>(
    target: URL,
    init: RequestInit | undefined,
    makeDeadline: (timeoutMs: number, caller: AbortSignal | undefined) => Deadline<S>,
  ): Exchange<S> {
    const callerSignal = init?.signal ?? undefined;
    return {
      method: (init?.method ?? 'GET').toUpperCase(),
      href: target.href,
      deadline: makeDeadline(this.timeoutMs, callerSignal),
      callerSignal,
      timeoutMs: this.timeoutMs,
    };
  }

  /** The endpoint's headers, the request's own over them, and `accept` unless given. */
  private requestHeaders(
    init: RequestInit | undefined,
    accept: string | undefined,
  ): Record<string, string> {
    const headers: Record<string, string> = { ...this.lowerCaseHeaders };
    if (init?.headers) {
      for (const [name, value] of new Headers(init.headers)) headers[name] = value;
    }
    if (accept && headers.accept === undefined) headers.accept = accept;
    return headers;
  }

  private resolve(path: string): URL {
    // A gateway calls a handful of paths over and over: parse each once (never mutated).
    const known = this.resolved?.get(path);
    if (known) return known;
    const target = new URL(path, this.base);
    if (target.origin !== this.base.origin) {
      throw new TypeError(
        `HttpEndpoint ${this.url}: "${path}" resolves to ${target.origin}, not this instance; ` +
          'pass a path such as "/health"',
      );
    }
    this.resolved ??= new Map();
    if (this.resolved.size >= RESOLVED_PATHS) this.resolved.clear();
    this.resolved.set(path, target);
    return target;
  }
}

/** The body read by `parse`; a failure (not JSON, cut off) as the exchange's error. */
async function parseOrFail<T>(
  parse: (body: BodyReader) => Promise<T>,
  body: BodyReader,
  exchange: Exchange<unknown>,
  status: number,
  accept: string | undefined,
): Promise<T> {
  try {
    return await parse(body);
  } catch (error) {
    const reason = accept
      ? 'the response body is not valid JSON'
      : 'reading the response body failed';
    throw exchangeFailure(exchange, error, status, reason);
  }
}

/** A fetch `Response` with a failing status, as `statusError` reads it. */
function failedAnswerOf(response: Response): FailedAnswer {
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    body: response.body,
  };
}

/** A request body undici's `request` sends as it is. */
function sendsAsIs(body: RequestInit['body']): boolean {
  return (
    body === undefined || body === null || typeof body === 'string' || body instanceof Uint8Array
  );
}
