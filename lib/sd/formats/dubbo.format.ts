import { InstanceDecodeError } from '../errors/instance-decode.error.js';
import type { ServiceInstance } from '../service-instance.js';
import { decodeUrlEncodedName, parseDubboUrl } from './dubbo-url.js';
import type { InstanceNode } from './instance-node.js';
import { parseWeight, traitsFromMetadata } from './instance-traits.js';
import { bracketIpv6 } from './uri-spec.js';

/** A provider's weight when its URL names none (Dubbo's `DEFAULT_WEIGHT`). */
export const DUBBO_DEFAULT_WEIGHT = 100;

/** Status of a provider that takes no traffic: `disabled=true` or `enabled=false`. */
export const DUBBO_STATUS_DISABLED = 'DISABLED';
/** Status of a provider whose `weight` is 0: Dubbo's balancers never pick it. */
export const DUBBO_STATUS_WEIGHT_0 = 'WEIGHT_0';

/** `<protocol>%3A%2F%2F`: what Java's `URLEncoder` makes of `<protocol>://`. */
const URL_NAME = /^[A-Za-z][A-Za-z0-9.-]*%3A%2F%2F/i;
/** Protocols whose URL is reached over HTTP at `http://host:port/<contextpath>`. */
const HTTP_PROTOCOLS = new Set(['rest', 'http']);
const ZERO = /^0+$/;

/**
 * True when a node's name is a URL-encoded URL (`dubbo%3A%2F%2F10.0.0.5%3A20880%2F...`): Dubbo's
 * ZooKeeper registry names each node under `/dubbo/<interface>/<category>` so. Such a node is read
 * from its name alone. go-kit (`_c_<guid>-<seq>`), Curator (`<uuid>`) and Finagle (`member_<seq>`)
 * names never look like this.
 */
export function isDubboUrlName(name: string): boolean {
  return URL_NAME.test(name);
}

/**
 * Turns a node of `/dubbo/<interface>/providers` into an instance, from its name alone (its data,
 * empty or the provider's IP, is not used): `address` and `port` from the URL, `metadata` its
 * parameters, `weight` its `weight` parameter (100 when absent, as Dubbo reads it), `zone` its
 * `zone` parameter, `url` `<protocol>://host:port`, or `http://host:port/<contextpath>` for `rest`
 * and `http` providers.
 * @throws InstanceDecodeError when the name is not a URL-encoded Dubbo URL with a host and a
 * port, or is a consumer, router or configurator entry rather than a provider.
 */
export function decodeDubboProvider(node: InstanceNode): ServiceInstance {
  const fail = (reason: string) =>
    new InstanceDecodeError(node.path, `its name is not a Dubbo provider URL: ${reason}`);
  const text = decodeUrlEncodedName(node.name);
  if (text === undefined)
    throw fail('it has a malformed %-escape (Dubbo URL-encodes the URL once)');
  const url = parseDubboUrl(text);
  const quoted = JSON.stringify(text.length > 120 ? `${text.slice(0, 120)}…` : text);
  if (!url) throw fail(`${quoted} has no protocol (expected e.g. dubbo://host:port/...)`);
  const { protocol, host, port, parameters } = url;
  const category = parameters.category ?? (protocol === 'consumer' ? 'consumers' : 'providers');
  if (category !== 'providers' || parameters.side === 'consumer') {
    throw fail(
      `it is an entry of Dubbo's "${category === 'providers' ? 'consumers' : category}" category, ` +
        'not a provider (providers are read from /dubbo/<interface>/providers)',
    );
  }
  if (host === '' || port === undefined) {
    throw fail(
      `${quoted} has no ${host === '' ? 'host' : 'valid port (1-65535)'} (expected ${protocol}://host:port/...)`,
    );
  }
  const traits = traitsFromMetadata(parameters, host);
  const weight = dubboWeight(parameters.weight);
  return {
    id: node.name,
    path: node.path,
    address: host,
    port,
    url: HTTP_PROTOCOLS.has(protocol.toLowerCase())
      ? httpUrl(host, port, url.path, parameters.interface)
      : `${protocol}://${bracketIpv6(host)}:${port}`,
    metadata: Object.freeze({ ...parameters }),
    raw: node.data,
    format: 'dubbo',
    ...traits,
    ...(weight === undefined ? {} : { weight }),
  };
}

/**
 * Why a Dubbo provider takes no traffic, from its parameters: `DISABLED` (`disabled=true` or
 * `enabled=false`, as an override from Dubbo's admin sets them) or `WEIGHT_0`; undefined when it
 * takes traffic.
 */
export function dubboStatus(parameters: Readonly<Record<string, string>>): string | undefined {
  if (parameters.disabled === 'true' || parameters.enabled === 'false') {
    return DUBBO_STATUS_DISABLED;
  }
  const weight = parameters.weight;
  return weight !== undefined && ZERO.test(weight) ? DUBBO_STATUS_WEIGHT_0 : undefined;
}

/** The weight Dubbo balances with: 100 when absent or unreadable, undefined for 0. */
function dubboWeight(value: string | undefined): number | undefined {
  if (value === undefined) return DUBBO_DEFAULT_WEIGHT;
  if (ZERO.test(value)) return undefined;
  return parseWeight(value) ?? DUBBO_DEFAULT_WEIGHT;
}

/**
 * `http://host:port/<contextpath>`: the path of a `rest` provider is its context path followed by
 * its interface (Dubbo's REST protocol serves under the context path).
 */
function httpUrl(host: string, port: number, path: string, service: string | undefined): string {
  let context = path;
  if (service !== undefined && (context === service || context.endsWith(`/${service}`))) {
    context = context.slice(0, context.length - service.length);
  }
  context = context.replace(/^\/+|\/+$/g, '');
  return `http://${bracketIpv6(host)}:${port}${context === '' ? '' : `/${context}`}`;
}
