/** A Dubbo URL, `protocol://[user:password@]host:port/path?key=value&...`, split into its parts. */
export interface DubboUrl {
  readonly protocol: string;
  /** The host, without the brackets of an IPv6 literal ('' when there is none). */
  readonly host: string;
  /** Undefined when the URL names none (a consumer's URL) or it is not 1-65535. */
  readonly port: number | undefined;
  /** The path without its leading `/` ('' when there is none). */
  readonly path: string;
  /** The parameters as written (Dubbo does not encode them inside the URL). */
  readonly parameters: Readonly<Record<string, string>>;
}

const PROTOCOL = /^[A-Za-z][A-Za-z0-9+.-]*$/;
const PORT = /^[0-9]{1,5}$/;

/**
 * Decodes a node name the way Java's `URLDecoder` does (`+` is a space, `%XX` are UTF-8 bytes):
 * Dubbo names each provider node with `URLEncoder.encode(url.toFullString(), "UTF-8")`.
 * @returns the text, or undefined when an escape is malformed or not UTF-8.
 */
export function decodeUrlEncodedName(name: string): string | undefined {
  try {
    return decodeURIComponent(name.replaceAll('+', ' '));
  } catch {
    return undefined;
  }
}

/**
 * Splits a decoded Dubbo URL as Dubbo's `URL.valueOf` reads it: parameters after the first `?`,
 * split on `&` (a key without `=` has itself as value), the protocol before `://`, the path after
 * the first `/`, credentials before the last `@`, the port after the last `:`.
 * @returns the URL, or undefined when it has no protocol.
 */
export function parseDubboUrl(text: string): DubboUrl | undefined {
  const query = text.indexOf('?');
  const head = query < 0 ? text : text.slice(0, query);
  const parameters = query < 0 ? {} : parseParameters(text.slice(query + 1));
  const separator = head.indexOf('://');
  const protocol = separator < 0 ? '' : head.slice(0, separator);
  if (!PROTOCOL.test(protocol)) return undefined;
  let authority = head.slice(separator + 3);
  const slash = authority.indexOf('/');
  const path = slash < 0 ? '' : authority.slice(slash + 1);
  if (slash >= 0) authority = authority.slice(0, slash);
  authority = authority.slice(authority.lastIndexOf('@') + 1);
  // The port follows the last ':', as Dubbo reads it, unless that ':' is inside a bracketed IPv6
  // literal or before an IPv6 scope id (`fe80::1%eth0`).
  const colon = authority.lastIndexOf(':');
  const hasPort =
    colon >= 0 && colon > authority.lastIndexOf(']') && colon > authority.lastIndexOf('%');
  const portText = hasPort ? authority.slice(colon + 1) : '';
  const number = PORT.test(portText) ? Number(portText) : 0;
  const port = number >= 1 && number <= 65535 ? number : undefined;
  const host = (hasPort ? authority.slice(0, colon) : authority).replace(/^\[(.*)\]$/, '$1');
  return { protocol, host: host.trim(), port, path, parameters };
}

function parseParameters(query: string): Record<string, string> {
  // A Map, then own properties: a key such as `__proto__` stays a key.
  const parameters = new Map<string, string>();
  for (const raw of query.split('&')) {
    const part = raw.trim();
    const equals = part.indexOf('=');
    if (part === '' || equals === 0) continue;
    if (equals < 0) parameters.set(part, part);
    else parameters.set(part.slice(0, equals), part.slice(equals + 1));
  }
  return Object.fromEntries(parameters);
}
