import { spawn } from 'node:child_process';
import { generateKeyPair, randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { onPath } from './executables.js';
import {
  OPENSSL_APT_INSTALL,
  ZooKeeperNotInstalledError,
} from './zookeeper-not-installed.error.js';

/**
 * What a client needs to reach a TLS test server, in the shape `tls.connect()` takes:
 * `tls.connect({ host, port, ...server.tls })`.
 */
export interface ZooKeeperClientTls {
  /** PEM of the throwaway CA that signed the server's and the client's certificates. */
  ca: string;
  /**
   * PEM of the client certificate (subject `CN=zk-testing-client`, the id ZooKeeper's x509
   * scheme authenticates it as).
   */
  cert: string;
  /** PEM (PKCS#8) of the client certificate's private key. */
  key: string;
  /** The name the server certificate is issued to (it also carries IP 127.0.0.1). */
  servername: string;
}

/** The files {@link createTestCertificates} writes, for ZooKeeper's PEM key and trust stores. */
export interface TestCertificateFiles {
  /** The CA certificate: the server's trust store (`ssl.trustStore.location`). */
  ca: string;
  /** The server certificate followed by its key: the server's key store (`ssl.keyStore.location`). */
  serverKeyStore: string;
  /** The client certificate. */
  clientCert: string;
  /** The client certificate's key. */
  clientKey: string;
}

/** A throwaway CA with a server and a client certificate, on disk and as PEM text. */
export interface TestCertificates {
  files: TestCertificateFiles;
  client: ZooKeeperClientTls;
}

const SERVER_NAME = 'localhost';
const VALID_DAYS = 2;

/** Extensions of the three certificates; our own file, so the system's openssl.cnf never matters. */
const OPENSSL_CNF = `# Written by nestjs-zk-discovery/testing.
[req]
distinguished_name = dn
[dn]
[ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[server]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1, DNS:${SERVER_NAME}
[client]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
# For a server that checks the client's address against its certificate.
subjectAltName = IP:127.0.0.1, DNS:${SERVER_NAME}
`;

/**
 * Makes, in `dir`, a throwaway self-signed CA valid for 2 days, a server certificate for
 * 127.0.0.1 / localhost and a client certificate, both signed by it. The keys are EC P-256 in
 * PKCS#8, made by Node; the certificates by the `openssl` command, because Node can read X.509
 * certificates but not issue them. PKCS#8 because ZooKeeper's PEM key store reads no other key
 * format. Only options OpenSSL 1.1.1 has too (not 3.0's `req -CA`), hence the signing requests.
 * @throws ZooKeeperNotInstalledError when there is no `openssl` on `PATH`.
 */
export async function createTestCertificates(
  dir: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<TestCertificates> {
  const openssl = findOpenssl(env);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const config = join(dir, 'openssl.cnf');
  await writeFile(config, OPENSSL_CNF);
  const [caKey, serverKey, clientKey] = await Promise.all([newKey(), newKey(), newKey()]);
  const files = testCertificateFiles(dir);
  const caKeyFile = join(dir, 'ca-key.pem');
  const serverKeyFile = join(dir, 'server-key.pem');
  await Promise.all([
    writeFile(caKeyFile, caKey, { mode: 0o600 }),
    writeFile(serverKeyFile, serverKey, { mode: 0o600 }),
    writeFile(files.clientKey, clientKey, { mode: 0o600 }),
  ]);
  const ca = await run(openssl, [
    ...['req', '-new', '-x509', '-key', caKeyFile, '-days', `${VALID_DAYS}`, '-sha256'],
    ...['-subj', '/CN=nestjs-zk-discovery throwaway test CA'],
    ...['-config', config, '-extensions', 'ca'],
  ]);
  await writeFile(files.ca, ca);
  // The signing request goes from one openssl to the next through stdin: no files to clean up.
  const issue = async (keyFile: string, subject: string, extensions: string): Promise<string> => {
    const request = await run(openssl, [
      ...['req', '-new', '-key', keyFile, '-subj', subject],
      ...['-config', config],
    ]);
    return run(
      openssl,
      [
        ...['x509', '-req', '-CA', files.ca, '-CAkey', caKeyFile, '-set_serial', serial()],
        ...['-days', `${VALID_DAYS}`, '-sha256', '-extfile', config, '-extensions', extensions],
      ],
      request,
    );
  };
  const [serverCert, clientCert] = await Promise.all([
    issue(serverKeyFile, `/CN=${SERVER_NAME}`, 'server'),
    issue(files.clientKey, '/CN=zk-testing-client', 'client'),
  ]);
  await writeFile(files.serverKeyStore, serverCert + serverKey, { mode: 0o600 });
  await writeFile(files.clientCert, clientCert);
  return { files, client: { ca, cert: clientCert, key: clientKey, servername: SERVER_NAME } };
}

/** Where {@link createTestCertificates} puts its files in `dir`. */
export function testCertificateFiles(dir: string): TestCertificateFiles {
  return {
    ca: join(dir, 'ca.pem'),
    serverKeyStore: join(dir, 'server.pem'),
    clientCert: join(dir, 'client-cert.pem'),
    clientKey: join(dir, 'client-key.pem'),
  };
}

/**
 * The `openssl` executable on `PATH`.
 * @throws ZooKeeperNotInstalledError when there is none.
 */
export function findOpenssl(env: NodeJS.ProcessEnv = process.env): string {
  const openssl = onPath('openssl', env);
  if (openssl) return openssl;
  throw new ZooKeeperNotInstalledError(
    'openssl',
    'No openssl found on PATH. A TLS test server (tls option) needs the openssl command to ' +
      `issue its throwaway certificates (Node cannot issue X.509 certificates): ${OPENSSL_APT_INSTALL}`,
  );
}

async function newKey(): Promise<string> {
  const { privateKey } = await promisify(generateKeyPair)('ec', {
    namedCurve: 'P-256',
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return privateKey;
}

/** A random positive 127-bit serial, so no two certificates of one CA share one. */
function serial(): string {
  const bytes = randomBytes(16);
  bytes.writeUInt8(bytes.readUInt8(0) & 0x7f, 0);
  return `0x${bytes.toString('hex')}`;
}

/** Runs openssl with `input` (if any) on its stdin; resolves with its stdout (a PEM). */
function run(openssl: string, args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(openssl, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', (error) => reject(new Error(`Could not run ${openssl}: ${error.message}`)));
    child.once('close', (code) => {
      if (code === 0 && stdout.includes('-----BEGIN')) {
        resolve(stdout);
        return;
      }
      reject(
        new Error(
          `${openssl} ${args.join(' ')} failed (exit code ${code}) while making the TLS test ` +
            `certificates: ${stderr.trim() || '(no output)'}`,
        ),
      );
    });
    // An openssl that does not read its stdin, or fails early, closes it (EPIPE); its exit code
    // and stderr say what went wrong.
    child.stdin.on('error', () => {});
    child.stdin.end(input ?? '');
  });
}
