/** What {@link parsePlainHttpUrl} reads from a go-kit node's bytes. */
/** Character codes by index (bytes, or a string's UTF-16 units); NaN past the end. */
interface Chars {
  readonly length: number;
  at(index: number): number;
}

export interface PlainHttpUrl {
  /** The bytes as text, without surrounding whitespace or trailing slashes. */
  readonly url: string;
  readonly hostname: string;
  /** The explicit port, else 80 for http and 443 for https. */
  readonly port: number;
}

const SLASH = 0x2f;
const COLON = 0x3a;
const DOT = 0x2e;
const HYPHEN = 0x2d;
const ZERO = 0x30;
const NINE = 0x39;
const MAX_PORT = 65_535;

/**
 * The common go-kit registration, `http(s)://<host>[:<port>][<path>]` in plain ASCII, read
 * straight from the node's bytes (or a string); undefined for anything else, which the caller
 * gives to `new URL`.
 *
 * A node is decoded once per change, and always cold (the `propagation` benchmark): the UTF-8
 * decoder, the regular expressions and the WHATWG URL parser cost about 20 µs there, this loop a
 * few. It accepts only what `new URL` reads the same way without normalising anything: a lower-case
 * `http` or `https` scheme; a host of lower-case letters, digits, dots and hyphens, no empty label,
 * no `xn--` label, and either a last label that is not a number or a canonical dotted-quad IPv4
 * address; a port of 1 to 65535 without leading zeros; then nothing, or `/`, `?` or `#` and any
 * printable ASCII. Credentials, IPv6, upper case, IDNs, controls or spaces inside: undefined.
 * `test/sd/plain-http-url.test.ts` checks it against `new URL` over a grid of such inputs.
 */
export function parsePlainHttpUrl(source: Uint8Array | string): PlainHttpUrl | undefined {
  const data: Chars =
    typeof source === 'string'
      ? { length: source.length, at: (i) => source.charCodeAt(i) }
      : { length: source.length, at: (i) => source[i] ?? Number.NaN };
  let start = 0;
  let end = data.length;
  while (start < end && isAsciiSpace(data.at(start))) start++;
  while (end > start && isAsciiSpace(data.at(end - 1))) end--;
  // The scheme: "http://" or "https://".
  let i = start;
  if (
    data.at(i) !== 0x68 ||
    data.at(i + 1) !== 0x74 ||
    data.at(i + 2) !== 0x74 ||
    data.at(i + 3) !== 0x70
  )
    return undefined;
  i += 4;
  const secure = data.at(i) === 0x73;
  if (secure) i++;
  if (data.at(i) !== COLON || data.at(i + 1) !== SLASH || data.at(i + 2) !== SLASH)
    return undefined;
  i += 3;
  const hostStart = i;
  const hostEnd = scanHost(data, hostStart, end);
  if (hostEnd === undefined) return undefined;
  i = hostEnd;
  let port = secure ? 443 : 80;
  if (i < end && data.at(i) === COLON) {
    const portStart = ++i;
    let value = 0;
    while (i < end && isDigit(data.at(i)) && i - portStart < 5)
      value = value * 10 + data.at(i++) - ZERO;
    if (i === portStart || data.at(portStart) === ZERO || value > MAX_PORT) return undefined;
    port = value;
  }
  // After the authority: the end, or a path, query or fragment of printable ASCII.
  if (i < end && data.at(i) !== SLASH && data.at(i) !== 0x3f && data.at(i) !== 0x23)
    return undefined;
  for (let k = i; k < end; k++) if (data.at(k) < 0x21 || data.at(k) > 0x7e) return undefined;
  let urlEnd = end;
  while (urlEnd > hostEnd && data.at(urlEnd - 1) === SLASH) urlEnd--;
  return { url: latin1(data, start, urlEnd), hostname: latin1(data, hostStart, hostEnd), port };
}

/**
 * The end of a host `new URL` would keep as it is, or undefined. Labels: lower-case letters,
 * digits, hyphens, none empty, none starting `xn--`; a host whose last label is a number must be
 * a canonical dotted quad (URL rewrites `127.1` or `0x7f.0.0.1` as IPv4).
 */
function scanHost(data: Chars, start: number, end: number): number | undefined {
  let labels = 0;
  let numericLabels = 0;
  let canonicalQuad = true;
  let i = start;
  for (;;) {
    const labelStart = i;
    let digitsOnly = true;
    while (i < end) {
      const byte = data.at(i);
      if (isDigit(byte)) i++;
      else if ((byte >= 0x61 && byte <= 0x7a) || byte === HYPHEN) {
        digitsOnly = false;
        i++;
      } else break;
    }
    const length = i - labelStart;
    if (length === 0) return undefined;
    if (length >= 4 && data.at(labelStart) === 0x78 && data.at(labelStart + 1) === 0x6e) {
      if (data.at(labelStart + 2) === HYPHEN && data.at(labelStart + 3) === HYPHEN)
        return undefined;
    }
    labels++;
    if (digitsOnly) {
      numericLabels++;
      const leadingZero = length > 1 && data.at(labelStart) === ZERO;
      if (leadingZero || length > 3 || decimal(data, labelStart, i) > 255) canonicalQuad = false;
    } else {
      canonicalQuad = false;
    }
    if (i < end && data.at(i) === DOT) {
      i++;
      continue;
    }
    // The last label decides between a domain and an IPv4 address.
    const lastIsNumber =
      digitsOnly || (data.at(labelStart) === ZERO && data.at(labelStart + 1) === 0x78);
    if (!lastIsNumber) return i;
    return canonicalQuad && labels === 4 && numericLabels === 4 ? i : undefined;
  }
}

function decimal(data: Chars, start: number, end: number): number {
  let value = 0;
  for (let i = start; i < end; i++) value = value * 10 + data.at(i) - ZERO;
  return value;
}

function isDigit(byte: number): boolean {
  return byte >= ZERO && byte <= NINE;
}

function isAsciiSpace(byte: number): boolean {
  return byte === 0x20 || (byte >= 0x09 && byte <= 0x0d);
}

/** Bytes known to be ASCII as a string, without a decoder (short strings, cold code). */
function latin1(data: Chars, start: number, end: number): string {
  let text = '';
  for (let i = start; i < end; i++) text += String.fromCharCode(data.at(i));
  return text;
}
