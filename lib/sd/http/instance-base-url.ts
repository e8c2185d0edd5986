import { InvalidInstanceError } from '../errors/invalid-instance.error.js';
import type { ServiceInstance } from '../service-instance.js';

/** The instance's URL as a base for relative paths (path ending in '/', no query or fragment). */
export function baseUrlOf(instance: ServiceInstance): URL {
  const unusable = (why: string) =>
    new InvalidInstanceError(
      instance.id,
      `Instance ${instance.id} (${instance.path}) cannot be called over HTTP: ${why}; its data is ` +
        `${JSON.stringify(instance.raw.toString('utf8').slice(0, 200))}. Register it with an ` +
        'http(s) address (go-kit data such as "http://10.0.0.5:8080", or a Curator/Spring address ' +
        'and port), or give this endpointer a `factory` for its protocol.',
    );
  if (!instance.url) throw unusable('it has no URL');
  let url: URL;
  try {
    url = new URL(instance.url);
  } catch {
    throw unusable(`"${instance.url}" is not a valid URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw unusable(`only http: and https: URLs are supported, not ${url.protocol}`);
  }
  if (url.username || url.password) {
    throw unusable('fetch refuses URLs with credentials (send them in an authorization header)');
  }
  // Each URL setter re-serializes the URL in native code: only call the ones that change it.
  if (url.search) url.search = '';
  if (url.hash) url.hash = '';
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return url;
}
