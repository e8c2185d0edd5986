// nestjs-zk-discovery: the Nest module, and everything of `nestjs-zk-discovery/core` (the client
// and the discovery core, which load no Nest).
export * from './core/index.js';
export * from './nest/index.js';
