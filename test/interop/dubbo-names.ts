/**
 * A provider URL as Dubbo's ZooKeeper registry names its node: `URLEncoder.encode(url, "UTF-8")`
 * (letters, digits and `.-*_` kept, a space as `+`, every other byte `%XX` in upper case).
 */
export function dubboNodeName(url: string): string {
  return encodeURIComponent(url)
    .replace(/[!'()~]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`)
    .replaceAll('%20', '+');
}

/** `<protocol>://127.0.0.1:<port>/<path>?<parameters>` with Dubbo's usual provider parameters. */
export function providerUrl(
  protocol: string,
  port: number,
  service: string,
  parameters: Record<string, string> = {},
  path: string = service,
): string {
  const all: Record<string, string> = {
    anyhost: 'true',
    application: 'hello',
    interface: service,
    methods: 'sayHello',
    side: 'provider',
    timestamp: '1700000000000',
    ...parameters,
  };
  const query = Object.keys(all)
    .sort()
    .map((key) => `${key}=${all[key]}`)
    .join('&');
  return `${protocol}://127.0.0.1:${port}/${path}?${query}`;
}
