import { STATUS_CODES } from 'node:http';
import { HttpEndpointError } from './http-endpoint.error.js';
import type { Deadline } from './request-deadline.js';

/** A request on its way: what the error mapping needs to know. */
export interface Exchange<S = unknown> {
  readonly method: string;
  readonly href: string;
  readonly deadline: Deadline<S>;
  readonly callerSignal: AbortSignal | undefined;
  readonly timeoutMs: number;
}

/** An answer with a failing status, as both transports see it. */
export interface FailedAnswer {
  readonly status: number;
  readonly contentType: string | null | undefined;
  /** The body's bytes (a Node stream or a web stream: both iterate). */
  readonly body: AsyncIterable<Uint8Array> | null | undefined;
}

/** How much of a failing answer's body an error message quotes. */
const SNIPPET_CHARS = 300;
/** How much of a failing answer's body an `HttpEndpointError` keeps (`body`, when complete). */
const BODY_BYTES = 4096;

/** The error for an answer with a failing status, carrying the start of its body. */
export async function statusError(
  answer: FailedAnswer,
  exchange: Exchange,
): Promise<HttpEndpointError> {
  const { text, complete } = await bodyStart(answer.body);
  const snippet = text.slice(0, SNIPPET_CHARS).replace(/\s+/g, ' ').trim();
  const status = `${answer.status} ${STATUS_CODES[answer.status] ?? ''}`.trim();
  return new HttpEndpointError(
    exchange.method,
    exchange.href,
    answer.status,
    snippet ? `${status}: ${snippet}` : status,
    { body: complete ? text : undefined, contentType: answer.contentType },
  );
}

/** The caller's own abort passes through as is; anything else becomes an `HttpEndpointError`. */
export function exchangeFailure(
  exchange: Exchange,
  error: unknown,
  status: number | undefined,
  reason: string,
): unknown {
  if (exchange.callerSignal?.aborted) return exchange.callerSignal.reason ?? error;
  const why = exchange.deadline.timedOut
    ? `no complete response within ${exchange.timeoutMs} ms`
    : reason;
  return new HttpEndpointError(exchange.method, exchange.href, status, why, { cause: error });
}

/** What went wrong on the network, in words: fetch says only "fetch failed", the reason is in its cause. */
export function describeNetworkError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause: unknown = error.cause;
  return cause instanceof Error && cause.message
    ? `${error.message}: ${cause.message}`
    : error.message;
}

/** Up to `BODY_BYTES` of a body; the rest is discarded (the stream is cancelled). Never throws. */
async function bodyStart(
  body: AsyncIterable<Uint8Array> | null | undefined,
): Promise<{ text: string; complete: boolean }> {
  if (!body) return { text: '', complete: true };
  const chunks: Uint8Array[] = [];
  let size = 0;
  let complete = true;
  try {
    for await (const chunk of body) {
      chunks.push(chunk);
      size += chunk.byteLength;
      if (size > BODY_BYTES) {
        complete = false;
        break; // leaving the loop cancels the stream
      }
    }
  } catch {
    complete = false; // a body that fails midway still gives what was read
  }
  const text = Buffer.concat(chunks).toString('utf8', 0, Math.min(size, BODY_BYTES));
  return { text, complete };
}
