import { type EndpointFactory, InvalidInstanceError, type ServiceInstance } from '../sd/index.js';

/** Where a routed request goes: the origin of one instance (`http://10.0.0.5:8080`). */
export interface InstanceOrigin {
  /** The instance's scheme, host and port, where its requests go. */
  readonly origin: string;
  /** The instance it was made from. */
  readonly instance: ServiceInstance;
}

/**
 * The endpoint factory of a routed host: an instance whose URL is http(s) becomes its origin (the
 * dispatcher's pool for that origin keeps its connections alive); one without is skipped, and
 * logged once by the endpointer.
 */
export const instanceOriginFactory: EndpointFactory<InstanceOrigin> = (instance) => {
  const unusable = (why: string) =>
    new InvalidInstanceError(
      instance.id,
      `Instance ${instance.id} (${instance.path}) cannot take HTTP requests: ${why}; its data is ` +
        `${JSON.stringify(instance.raw.toString('utf8').slice(0, 200))}. Register it with an ` +
        'http(s) address (go-kit data such as "http://10.0.0.5:8080", or a Curator or Spring ' +
        'address and port).',
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
  return { endpoint: { origin: url.origin, instance } };
};
