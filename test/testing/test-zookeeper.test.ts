import { describe, expect, inject, it } from 'vitest';
import {
  fourLetterWord,
  startTestZooKeeper,
  ZK_TEST_CONNECT_ENV,
} from '../../lib/testing/index.js';

describe('startTestZooKeeper', () => {
  it('uses the server or ensemble named by ZK_TEST_CONNECT and never stops it', async () => {
    const zk = await startTestZooKeeper({ env: { [ZK_TEST_CONNECT_ENV]: ' zk1:2181,zk2:2181 ' } });
    expect(zk).toMatchObject({
      connectString: 'zk1:2181,zk2:2181',
      external: true,
      server: undefined,
    });
    await zk.stop();
  });

  it('starts a server of its own when ZK_TEST_CONNECT is not set', async () => {
    const zk = await startTestZooKeeper({ env: {} });
    try {
      expect(zk.external).toBe(false);
      expect(zk.connectString).toBe(zk.server!.connectString);
      expect(await zk.server!.fourLetter('ruok')).toBe('imok');
    } finally {
      await zk.stop();
    }
    expect(zk.server!.running).toBe(false);
  });

  it('the global setup shares one server with every test file through inject()', async () => {
    const [host, port] = inject('zkConnect').split(',')[0]!.split(':');
    expect(await fourLetterWord(host!, Number(port), 'ruok')).toBe('imok');
  });
});
