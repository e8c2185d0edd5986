import { describe, expect, it } from 'vitest';
import { NoEndpointsError } from '../../lib/sd/errors/no-endpoints.error.js';
import { RetryError } from '../../lib/sd/errors/retry.error.js';
import { discoveryHttpAnswer } from '../../lib/sd/http/discovery-http-answer.js';
import { HttpEndpointError } from '../../lib/sd/http/http-endpoint.error.js';

const PATH = '/services/hello/abc';

function httpError(port: number, status: number | undefined, reason: string, body?: string) {
  return new HttpEndpointError('GET', `http://127.0.0.1:${port}/hello`, status, reason, {
    body,
    contentType: body?.startsWith('{') ? 'application/json; charset=utf-8' : 'text/plain',
  });
}

function retryError(reason: RetryError['reason'], errors: unknown[]): RetryError {
  return new RetryError({ errors, reason, timeoutMs: 10_000, target: PATH });
}

describe('discoveryHttpAnswer (pure mapping of a failed call to a gateway answer)', () => {
  it('no instances: 503 naming the service, directly or after retries', () => {
    const direct = discoveryHttpAnswer(new NoEndpointsError(PATH));
    expect(direct.status).toBe(503);
    expect(direct.body).toEqual({
      statusCode: 503,
      error: 'Service Unavailable',
      message: `No instance of ${PATH} is available`,
      service: PATH,
    });
    const retried = discoveryHttpAnswer(
      retryError('attempts-exhausted', [new NoEndpointsError(PATH), new NoEndpointsError(PATH)]),
    );
    expect(retried.status).toBe(503);
    expect(retried.summary).toBe(
      `Call to ${PATH} failed after 2 attempts (attempts exhausted): no endpoints; no endpoints`,
    );
  });

  it('a downstream 4xx is passed on: its status, and its JSON body as it was', () => {
    const notFound = httpError(
      9001,
      404,
      '404 Not Found',
      '{"statusCode":404,"message":"no such user"}',
    );
    const answer = discoveryHttpAnswer(retryError('not-retryable', [notFound]));
    expect(answer.status).toBe(404);
    expect(answer.body).toEqual({ statusCode: 404, message: 'no such user' });
    // A text body becomes the message of Nest's shape.
    const text = discoveryHttpAnswer(httpError(9001, 409, '409 Conflict', 'already there'));
    expect(text).toMatchObject({
      status: 409,
      body: { statusCode: 409, message: 'already there' },
    });
  });

  it('every attempt failed: 502 with each attempt in the summary', () => {
    const answer = discoveryHttpAnswer(
      retryError('attempts-exhausted', [
        httpError(9001, 503, '503 Service Unavailable'),
        httpError(9002, undefined, 'fetch failed: connect ECONNREFUSED 127.0.0.1:9002'),
      ]),
    );
    expect(answer.status).toBe(502);
    expect(answer.body).toMatchObject({ statusCode: 502, error: 'Bad Gateway', service: PATH });
    expect(answer.summary).toBe(
      `Call to ${PATH} failed after 2 attempts (attempts exhausted): 127.0.0.1:9001 503 Service ` +
        'Unavailable; 127.0.0.1:9002 fetch failed: connect ECONNREFUSED 127.0.0.1:9002',
    );
  });

  it('out of time: 504, whether the budget ran out or the instance did not answer', () => {
    expect(discoveryHttpAnswer(retryError('budget-spent', [new Error('slow')])).status).toBe(504);
    const late = httpError(9001, undefined, 'no complete response within 5000 ms');
    expect(discoveryHttpAnswer(late).status).toBe(504);
  });

  it("an error of the caller's own code, not retried, stays a 500", () => {
    const answer = discoveryHttpAnswer(
      retryError('not-retryable', [new TypeError('x is undefined')]),
    );
    expect(answer).toMatchObject({ status: 500, body: { message: 'Internal server error' } });
  });
});
