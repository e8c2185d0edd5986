import { expect, inject, it } from 'vitest';
import { ZkClient } from '../../../lib/client/index.js';
import { waitFor } from '../../support/wait-for.js';

const servers = inject('zkConnect');

// The native transport reports nothing in this case (the C client never closes the handle):
// protocol transport only.
it('credentials the server refuses are reported as errors naming the `auth` option, never the secret, and tried again less and less often', async () => {
  const lines: Array<{ at: number; line: string }> = [];
  const record = (level: string) => (line: string) =>
    lines.push({ at: performance.now(), line: `${level} ${line}` });
  const logger = { log: record('log'), warn: record('warn'), error: record('error') };
  // ZooKeeper has no provider for this scheme: it answers AUTHFAILED and closes the connection.
  const client = new ZkClient({
    servers,
    auth: [{ scheme: 'nosuch', credentials: 'top-secret-value' }],
    logger,
  });
  client.start();
  try {
    const failures = () => lines.filter(({ line }) => line.includes('authentication failed;'));
    await waitFor(() => failures().length >= 3, { timeoutMs: 10_000 });
    const text = lines.map(({ line }) => line);
    expect(text).toContainEqual(
      expect.stringMatching(
        /^error ZooKeeper rejected the nosuch credentials .*check the `auth` option/,
      ),
    );
    expect(text.join('\n')).not.toContain('top-secret-value');
    const [first, second, third] = failures();
    expect(first!.line).toMatch(/Opening a new session in 0\.5 s\.$/);
    expect(second!.line).toMatch(/Opening a new session in 1\.0 s\.$/);
    // The second session came about 0.5 s after the first failure, the third about 1 s after
    // the second (timers and the clock read here may differ by a millisecond or so).
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(450);
    expect(third!.at - second!.at).toBeGreaterThanOrEqual(950);
  } finally {
    await client.close();
  }
});
