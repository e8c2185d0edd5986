/** Socket errors that say the instance could not be reached, or its connection broke. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'EADDRNOTAVAIL',
]);

/**
 * Whether an attempt's error is the transport's: the instance did not answer (refused, reset or
 * broken connection, closed before the answer, no answer in time), so another instance may be
 * tried. An error the instance sent back (its handler threw, an `RpcException`, no handler for the
 * pattern) arrives as deserialized data, never as one of these, and is given back as it is.
 */
export function isTransportFailure(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
  // No answer within the attempt's time (ours), or a socket timeout.
  if (error.name === 'TimeoutError') return true;
  // Nest's TCP client fails the calls in flight with this when their connection closes.
  return error.message === 'Connection closed';
}
