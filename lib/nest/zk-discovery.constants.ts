/** Injection tokens, namespaced with the library's name. */
export const ZK_DISCOVERY_OPTIONS = 'ZkDiscovery:Options';
export const ZK_CLIENT = 'ZkDiscovery:Client';
export const ENDPOINTER_TOKEN_PREFIX = 'ZkDiscovery:Endpointer:';
/** Context of every log line of the library. */
export const LOGGER_CONTEXT = 'ZkDiscovery';
