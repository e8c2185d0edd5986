import { describe, expect, it } from 'vitest';
import { decodeGoKitInstance, parseBaseUrl } from '../../lib/sd/formats/gokit.format.js';
import { parsePlainHttpUrl } from '../../lib/sd/formats/plain-http-url.js';

// What the go-kit decoder made of a URL before the byte-level reader: the WHATWG parser.
function throughUrlParser(text: string) {
  const trimmed = text.trim();
  const url = parseBaseUrl(trimmed);
  if (!url) return undefined;
  const defaults: Record<string, number> = { 'http:': 80, 'https:': 443 };
  return {
    url: trimmed.replace(/\/+$/, ''),
    hostname: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port ? Number(url.port) : defaults[url.protocol],
  };
}

const schemes = [
  'http://',
  'https://',
  'HTTP://',
  'Https://',
  'ws://',
  'grpc://',
  'http:/',
  'http:',
];
const hosts = [
  '127.0.0.1',
  '10.0.0.5',
  '0.0.0.0',
  '255.255.255.255',
  'localhost',
  'svc-1.internal',
  'a1',
  '1a.example',
  '1.2.example',
  'Example.com',
  'a..b',
  '.a',
  'host.',
  '-a.b',
  'xn--nxasmq6b.com',
  'xn-a.com',
  '1.2.3',
  '127.1',
  '1.2.3.4.5',
  '256.1.1.1',
  '01.2.3.4',
  '1.2.3.04',
  '0x7f.0.0.1',
  'a.0x7f',
  'a.0xzz',
  '12345',
  '[::1]',
  'user@h',
  'user:pw@h',
  'h_x',
  'h%41',
  'ünï.com',
  '',
];
const ports = [
  '',
  ':80',
  ':443',
  ':8080',
  ':0',
  ':080',
  ':1',
  ':65535',
  ':65536',
  ':',
  ':99999',
  ':123456',
  ':8a',
];
const rests = [
  '',
  '/',
  '//',
  '/a',
  '/a/',
  '/a/b//',
  '?q=1',
  '?q=/',
  '#f',
  '/a b',
  '\\x',
  '/ü',
  '/%20',
];
const edges = ['', ' ', '\n', '\t\r\n', '\u00a0', '\u001f'];

describe('the reader of plain http(s) URLs (go-kit decoder, HTTP endpoint factory)', () => {
  it('reads every URL it accepts exactly as the WHATWG URL parser does, and declines the rest', () => {
    let accepted = 0;
    let compared = 0;
    for (const scheme of schemes)
      for (const host of hosts)
        for (const port of ports)
          for (const rest of rests)
            for (const edge of ['', edges[compared++ % edges.length]!]) {
              const text = `${edge}${scheme}${host}${port}${rest}${edge}`;
              const plain = parsePlainHttpUrl(Buffer.from(text, 'utf8'));
              // The HTTP endpoint factory reads the instance's URL string: the same answer.
              expect(parsePlainHttpUrl(text), text).toEqual(plain);
              if (!plain) continue;
              accepted++;
              expect({ text, ...plain }).toEqual({ text, ...throughUrlParser(text) });
            }
    // The grid reaches the fast path often (it is the common registration), not by accident.
    expect(accepted).toBeGreaterThan(1000);
  });

  it('accepts the registrations apps write, so the decoder takes its fast path for them', () => {
    for (const text of [
      'http://127.0.0.1:8080',
      'https://10.0.0.5:8443/api/',
      'http://svc-1.internal',
      ' http://localhost:3000\n',
    ])
      expect(parsePlainHttpUrl(Buffer.from(text)), text).toBeDefined();
  });

  it('declines what the URL parser would normalise or reject', () => {
    for (const text of [
      'http://127.1:80',
      'http://Example.com',
      'http://[::1]:80',
      'http://u@h:80',
      'http://h:0080',
      'http://h:65536',
      'http://xn--nxasmq6b.com',
      'HTTP://h',
      'http://h\\x',
      'http://h/a b',
    ])
      expect(parsePlainHttpUrl(Buffer.from(text)), text).toBeUndefined();
  });

  it('the decoder gives the same instance on both paths', () => {
    const node = (text: string) => ({ name: 'n', path: '/s/n', data: Buffer.from(text) });
    // The first is read byte by byte, the second (upper case) through the URL parser.
    const fast = decodeGoKitInstance(node('http://example.com:8080/x/'));
    const slow = decodeGoKitInstance(node('http://EXAMPLE.com:8080/x/'));
    expect(parsePlainHttpUrl(Buffer.from('http://EXAMPLE.com:8080/x/'))).toBeUndefined();
    expect({ ...fast, raw: undefined, url: fast.url?.toLowerCase() }).toEqual({
      ...slow,
      raw: undefined,
      url: slow.url?.toLowerCase(),
    });
  });
});
