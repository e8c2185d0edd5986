import { describe, expect, it } from 'vitest';
import { parseConsSessionIds, parseSrvr, toSessionId } from '../../lib/testing/index.js';

describe('four-letter word parsing', () => {
  it('reads mode, zxid and counts from srvr', () => {
    const report = parseSrvr(
      'Zookeeper version: 3.8.0\nLatency min/avg/max: 0/0.0/0\nConnections: 2\n' +
        'Outstanding: 0\nZxid: 0x100000003\nMode: follower\nNode count: 5\n',
    );
    expect(report).toEqual({ mode: 'follower', zxid: 0x100000003n, connections: 2, nodeCount: 5 });
  });

  it('reports no mode for a server without quorum', () => {
    expect(parseSrvr('This ZooKeeper instance is not currently serving requests\n').mode).toBe(
      undefined,
    );
  });

  it('lists the session ids of cons, skipping connections without a session', () => {
    const cons =
      ' /127.0.0.1:41234[1](queued=0,recved=5,sent=5,sid=0x1000a3f6c3a0000,lop=PING,to=6000)\n' +
      ' /127.0.0.1:41240[0](queued=0,recved=1,sent=0)\n';
    expect(parseConsSessionIds(cons)).toEqual([0x1000a3f6c3a0000n]);
  });

  it('accepts session ids as clients print them', () => {
    expect(toSessionId('1000a3f6c3a0000')).toBe(0x1000a3f6c3a0000n);
    expect(toSessionId('0x1000a3f6c3a0000')).toBe(0x1000a3f6c3a0000n);
    expect(toSessionId(5n)).toBe(5n);
    expect(() => toSessionId('nope')).toThrow(/Not a hexadecimal session id/);
  });
});
