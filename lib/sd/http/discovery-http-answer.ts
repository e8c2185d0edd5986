import { messageOf } from '../../client/error-message.js';
import { NoEndpointsError } from '../errors/no-endpoints.error.js';
import { RetryError } from '../errors/retry.error.js';
import { HttpEndpointError } from './http-endpoint.error.js';

/** What a gateway answers its own caller when a call through discovery failed. */
export interface DiscoveryHttpAnswer {
  /** The HTTP status to answer with. */
  readonly status: number;
  /** The body: Nest's error shape `{ statusCode, error, message }` (plus `service`), or a 4xx body passed on. */
  readonly body: unknown;
  /** One line for the log: what failed, where, and each attempt in short. */
  readonly summary: string;
}

const REASONS: Record<number, string> = {
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** The longest text of one attempt in a summary. */
const ATTEMPT_CHARS = 160;

/**
 * Maps a failed call to the answer a gateway gives:
 * - no instance to call (`NoEndpointsError`, directly or as every attempt of a `RetryError`):
 *   **503**, naming the service path;
 * - the instance answered 4xx (not retried: another instance would answer the same): **that
 *   status**, with its body when it was JSON (so a downstream 404 stays a 404);
 * - the call's time budget ran out, or an instance did not answer in time: **504**;
 * - every attempt failed otherwise (5xx, refused, reset): **502**;
 * - an error of the caller's own code, not retried: **500**, as Nest answers any error.
 */
export function discoveryHttpAnswer(error: unknown): DiscoveryHttpAnswer {
  if (error instanceof NoEndpointsError) return noInstances(error.source, error, error.message);
  if (error instanceof HttpEndpointError) return fromHttpError(error, undefined, error.message);
  if (!(error instanceof RetryError))
    return failure(500, undefined, 'Internal server error', messageOf(error));
  const service = error.target;
  const summary = `${error.headline}: ${error.errors.map(attempt).join('; ') || 'no attempt made'}`;
  if (error.errors.length > 0 && error.errors.every((e) => e instanceof NoEndpointsError)) {
    return noInstances(service, error.lastError as NoEndpointsError, summary);
  }
  const last = error.lastError;
  if (error.reason === 'budget-spent') {
    return failure(
      504,
      service,
      `No instance of ${service ?? 'the service'} answered within ${error.timeoutMs} ms`,
      summary,
    );
  }
  if (error.reason === 'cancelled') {
    return failure(503, service, `The call to ${service ?? 'the service'} was cancelled`, summary);
  }
  if (last instanceof HttpEndpointError) return fromHttpError(last, service, summary);
  if (error.reason === 'not-retryable')
    return failure(500, service, 'Internal server error', summary);
  return failure(502, service, `Every attempt to call ${service ?? 'the service'} failed`, summary);
}

/**
 * 503, saying which of the two a newcomer must tell apart: ZooKeeper could not be asked (the
 * instances are unknown), or it answered that none is registered (`reason` in the body too).
 */
function noInstances(
  service: string | undefined,
  error: NoEndpointsError,
  summary: string,
): DiscoveryHttpAnswer {
  const of = service ?? 'the service';
  if (error.reason === 'zookeeper-unreachable') {
    const what = `ZooKeeper cannot be reached, so the instances of ${of} are unknown`;
    return failure(503, service, what, summary, error.reason);
  }
  if (error.reason === 'none-registered') {
    return failure(503, service, `No instance of ${of} is registered`, summary, error.reason);
  }
  const what = service ? `No instance of ${service} is available` : 'No instance is available';
  return failure(503, service, what, summary);
}

function fromHttpError(
  error: HttpEndpointError,
  service: string | undefined,
  summary: string,
): DiscoveryHttpAnswer {
  const status = error.status;
  if (status !== undefined && status >= 400 && status < 500) {
    return { status, body: passedOnBody(error, status), summary };
  }
  const target = service ?? new URL(error.url).host;
  if (status === undefined && /no complete response within/.test(error.reason)) {
    return failure(504, service, `${target} did not answer in time`, summary);
  }
  return failure(502, service, `${target} failed: ${error.reason}`, summary);
}

/** A downstream 4xx body: its JSON as is, else Nest's shape with the text as the message. */
function passedOnBody(error: HttpEndpointError, status: number): unknown {
  if (error.body !== undefined && /\bjson\b/i.test(error.contentType ?? '')) {
    try {
      return JSON.parse(error.body) as unknown;
    } catch {
      // Not the JSON it said it was: fall through.
    }
  }
  return { statusCode: status, message: error.body?.trim() || error.reason };
}

function failure(
  status: number,
  service: string | undefined,
  message: string,
  summary: string,
  reason?: string,
): DiscoveryHttpAnswer {
  const body = {
    statusCode: status,
    error: REASONS[status],
    message,
    ...(service ? { service } : {}),
    ...(reason ? { reason } : {}),
  };
  return { status, body, summary };
}

/** One attempt in a few words: `127.0.0.1:9001 503 Service Unavailable`, `no endpoints`. */
function attempt(error: unknown): string {
  let text: string;
  if (error instanceof HttpEndpointError) text = `${new URL(error.url).host} ${error.reason}`;
  else if (error instanceof NoEndpointsError) text = noEndpointsInShort(error);
  else text = messageOf(error);
  return text.length > ATTEMPT_CHARS ? `${text.slice(0, ATTEMPT_CHARS)}…` : text;
}

function noEndpointsInShort(error: NoEndpointsError): string {
  if (error.reason === 'zookeeper-unreachable') return 'ZooKeeper unreachable';
  if (error.reason === 'none-registered') return 'none registered';
  return 'no endpoints';
}
