import { mkdir, writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { testCertificateFiles } from './test-certificates.js';
import { renderZooCfg, type SecureClientPort } from './zookeeper-config.js';
import { writeLoggingConfig } from './zookeeper-logging.js';
import type { ServerSettings } from './zookeeper-server.options.js';

const MAIN_CLASS = 'org.apache.zookeeper.server.quorum.QuorumPeerMain';

/**
 * Writes `<dataDir>/conf/` (zoo.cfg and the logging configuration) and, for an ensemble member,
 * `<dataDir>/myid`; returns the `java` arguments that start the server on them: a small heap,
 * the serial GC and the C1 compiler only (a test server starts in well under a second and
 * never gets hot), no hsperfdata files in /tmp.
 * @internal
 */
export async function writeServerFiles(
  settings: ServerSettings,
  where: { host: string; logFile: string },
): Promise<string[]> {
  const confDir = join(settings.dataDir, 'conf');
  await mkdir(confDir, { recursive: true });
  const zooCfg = join(confDir, 'zoo.cfg');
  await writeFile(
    zooCfg,
    renderZooCfg({
      dataDir: settings.dataDir,
      clientHost: where.host,
      clientPort: settings.port,
      tickTimeMs: settings.tickTimeMs,
      minSessionTimeoutMs: settings.minSessionTimeoutMs,
      maxSessionTimeoutMs: settings.maxSessionTimeoutMs,
      quorum: settings.quorum,
      secureClientPort: secureClientPort(settings),
    }),
  );
  if (settings.quorum) {
    await writeFile(join(settings.dataDir, 'myid'), `${settings.quorum.myId}\n`);
  }
  const loggingFlags = await writeLoggingConfig(confDir, where.logFile, settings.logLevel);
  return [
    '-Xmx256m',
    '-XX:+UseSerialGC',
    '-XX:TieredStopAtLevel=1',
    '-XX:-UsePerfData',
    '-Djava.awt.headless=true',
    // A member killed between its first transaction and its first snapshot must still restart.
    '-Dzookeeper.snapshot.trust.empty=true',
    ...loggingFlags,
    '-cp',
    // Our conf dir first, so no other log4j.properties / logback.xml on the classpath wins.
    [confDir, ...settings.install.classpath].join(delimiter),
    MAIN_CLASS,
    zooCfg,
  ];
}

function secureClientPort({ tls }: ServerSettings): SecureClientPort | undefined {
  if (!tls) return undefined;
  const files = testCertificateFiles(tls.certificatesDir);
  return {
    port: tls.port,
    keyStore: files.serverKeyStore,
    trustStore: files.ca,
    clientAuth: tls.clientAuth,
  };
}
