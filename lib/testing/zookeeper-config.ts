/** One member of an ensemble, as written into every member's `zoo.cfg`. */
export interface QuorumMember {
  /** The member's id (`myid`), 1..255. */
  id: number;
  /** Loopback address the member binds its quorum and election ports to. */
  host: string;
  /** Port followers use to talk to the leader. */
  quorumPort: number;
  /** Port used for leader election. */
  electionPort: number;
}

/** Makes a server a member of an ensemble instead of a standalone server. */
export interface QuorumConfig {
  /** This server's id; written to `<dataDir>/myid`. */
  myId: number;
  /** Every member, this one included. */
  members: readonly QuorumMember[];
}

/**
 * Whether the TLS port asks for a client certificate: `'need'` refuses a client without one,
 * `'want'` asks but lets it in, `'none'` does not ask. With `'need'` and `'want'`, a certificate
 * the client sends must be signed by the server's CA.
 */
export type ZooKeeperClientAuth = 'need' | 'want' | 'none';

/** The TLS client port of `zoo.cfg`, with ZooKeeper's PEM key and trust stores. */
export interface SecureClientPort {
  port: number;
  /** PEM file with the server certificate followed by its key. */
  keyStore: string;
  /** PEM file with the CA certificate that client certificates must be signed by. */
  trustStore: string;
  clientAuth: ZooKeeperClientAuth;
}

/** Everything `zoo.cfg` says. */
export interface ZooCfg {
  dataDir: string;
  clientHost: string;
  clientPort: number;
  tickTimeMs: number;
  minSessionTimeoutMs: number;
  maxSessionTimeoutMs: number;
  quorum: QuorumConfig | undefined;
  secureClientPort: SecureClientPort | undefined;
}

/**
 * Renders `zoo.cfg` for a test server: loopback only, every four-letter word allowed, no admin
 * HTTP server (it would bind 0.0.0.0:8080 in every member), no connection cap, no autopurge,
 * no fsync (a killed JVM still leaves its writes in the OS cache; only a machine crash loses
 * them) and small preallocated transaction logs.
 */
export function renderZooCfg(cfg: ZooCfg): string {
  // Init/sync limits are counted in ticks; keep them near 10 s / 5 s whatever the tick, so a
  // short tick (fast session expiry) does not make a busy CI machine drop followers.
  const initLimit = Math.max(10, Math.ceil(10_000 / cfg.tickTimeMs));
  const syncLimit = Math.max(5, Math.ceil(5_000 / cfg.tickTimeMs));
  const lines = [
    '# Written by nestjs-zk-discovery/testing.',
    `tickTime=${cfg.tickTimeMs}`,
    `initLimit=${initLimit}`,
    `syncLimit=${syncLimit}`,
    `dataDir=${cfg.dataDir.replaceAll('\\', '/')}`,
    `clientPort=${cfg.clientPort}`,
    `clientPortAddress=${cfg.clientHost}`,
    `minSessionTimeout=${cfg.minSessionTimeoutMs}`,
    `maxSessionTimeout=${cfg.maxSessionTimeoutMs}`,
    'maxClientCnxns=0',
    '4lw.commands.whitelist=*',
    'admin.enableServer=false',
    'standaloneEnabled=true',
    'reconfigEnabled=false',
    'autopurge.purgeInterval=0',
    // Unknown keys become system properties: zookeeper.forceSync, zookeeper.preAllocSize (KB).
    'forceSync=no',
    'preAllocSize=1024',
    // TTL nodes (CreateMode.PERSISTENT_WITH_TTL) are refused unless extended types are enabled.
    'extendedTypesEnabled=true',
  ];
  if (cfg.secureClientPort) {
    lines.push(...secureClientPortLines(cfg.clientHost, cfg.secureClientPort));
  }
  for (const member of cfg.quorum?.members ?? []) {
    lines.push(`server.${member.id}=${member.host}:${member.quorumPort}:${member.electionPort}`);
  }
  lines.push('');
  return lines.join('\n');
}

/**
 * Only the Netty connection factory serves TLS (it then serves the plain port too). The x509
 * auth provider, which turns a client certificate into an `x509` id such as
 * `CN=zk-testing-client`, is named rather than left to the version's defaults.
 */
function secureClientPortLines(host: string, secure: SecureClientPort): string[] {
  const path = (file: string): string => file.replaceAll('\\', '/');
  return [
    `secureClientPort=${secure.port}`,
    `secureClientPortAddress=${host}`,
    'serverCnxnFactory=org.apache.zookeeper.server.NettyServerCnxnFactory',
    `ssl.keyStore.location=${path(secure.keyStore)}`,
    'ssl.keyStore.type=PEM',
    `ssl.trustStore.location=${path(secure.trustStore)}`,
    'ssl.trustStore.type=PEM',
    `ssl.clientAuth=${secure.clientAuth}`,
    'authProvider.x509=org.apache.zookeeper.server.auth.X509AuthenticationProvider',
  ];
}
