import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createFlags } from '../../../lib/client/create-flags.js';
import { JuteReader } from '../../../lib/client/protocol/jute-reader.js';
import {
  DEFAULT_MAX_FRAME_BYTES,
  EventType,
} from '../../../lib/client/protocol/protocol.constants.js';
import { ProtocolHandle } from '../../../lib/client/protocol/protocol-handle.js';
import {
  readAcl,
  readClientInfo,
  readConnectResponse,
  readMultiResponse,
  readReplyHeader,
  readStat,
  readString,
  readWatcherEvent,
} from '../../../lib/client/protocol/records.js';
import { ZkAcls } from '../../../lib/client/zk-acls.js';
import type { ZkMultiOp } from '../../../lib/client/zk-client.types.js';
import {
  type ZkAclEntry,
  ZkCodes,
  ZkPerm,
  ZkSessionStates,
  type ZkStat,
} from '../../../lib/client/zk-codes.js';
import type {
  Complete,
  MultiResult,
  ZkHandleEvents,
  ZkNodeEvent,
} from '../../../lib/client/zk-handle.js';
import type { ZkLogger } from '../../../lib/client/zk-logger.js';
import { fromMultiResults, toMultiOps, ZkMultiError } from '../../../lib/client/zk-multi.js';
import { type FakeConnection, FakeZooKeeper } from './fake-zookeeper.js';
import { generateWireFixtures } from './wire-fixtures.js';

/**
 * Our wire protocol against ZooKeeper's own Java classes (java/WireFixtures.java, compiled against
 * Debian's zookeeper.jar): every request frame our `ProtocolHandle` really sends, caught by a fake
 * server, must equal byte for byte the frame Java's records write with the same values, xid
 * included (the requests go out in the generator's order, so our xids, counting from 1, are its
 * xids); every answer Java's records write must read back as the values it was written with,
 * straight through our readers and through the handle. Nothing is skipped: without javac or the
 * jars, building the generator fails and names `node scripts/ensure-curator-peer.mjs`.
 */

// The generator's values (WireFixtures.java).
const SESSION_ID = 0x1234_5678_9abc_def0n;
const NEGATIVE_SESSION_ID = -0x1234_5678_9abc_def0n;
const LAST_ZXID = 0x1_0000_0005;
const ZXID = 0x1_0000_0004;
const TIMEOUT = 30_000;
const PING_TIMEOUT = 1_500;
const RESPONSE_XID = 0x0102_0304;
const PASSWD = Buffer.from(Array.from({ length: 16 }, (_, index) => 0xa0 + index));
const STAT: ZkStat = {
  czxid: 0x1_0000_0001,
  mzxid: 0x1_0000_0002,
  ctime: 1_700_000_000_000,
  mtime: 1_700_000_000_123,
  version: 2,
  cversion: 3,
  aversion: 4,
  ephemeralOwner: '0',
  dataLength: 5,
  numChildren: 6,
  pzxid: 0x1_0000_0003,
};
const EPHEMERAL_STAT: ZkStat = {
  czxid: 0x2_0000_0001,
  mzxid: 0x2_0000_0002,
  ctime: 1_700_000_001_000,
  mtime: 1_700_000_002_000,
  version: 7,
  cversion: 0,
  aversion: 1,
  ephemeralOwner: 'edcba98765432110',
  dataLength: 11,
  numChildren: 0,
  pzxid: 0x2_0000_0001,
};
const AUTH_READ = ZkAcls.creatorAllWorldRead();
const UNICODE_PATH = '/wire/ünïcødé-日本';
const SUPPLEMENTARY_ACL: ZkAclEntry[] = [
  { perms: ZkPerm.ALL, scheme: 'digest', auth: 'sm😀le:hash' },
];
const CONNECTED = 3; // KeeperState.SyncConnected
/** Java's `Watcher.Event.EventType` names, as the generator names its notifications. */
const JAVA_EVENT_TYPES = {
  None: EventType.none,
  NodeCreated: EventType.nodeCreated,
  NodeDeleted: EventType.nodeDeleted,
  NodeDataChanged: EventType.nodeDataChanged,
  NodeChildrenChanged: EventType.nodeChildrenChanged,
  DataWatchRemoved: EventType.dataWatchRemoved,
  ChildWatchRemoved: EventType.childWatchRemoved,
  PersistentWatchRemoved: EventType.persistentWatchRemoved,
} as const;

let fixtures: ReadonlyMap<string, Buffer>;
/** Cases compared so far: by the last test, every case of the generator must have been. */
const compared = new Set<string>();

beforeAll(() => {
  fixtures = generateWireFixtures();
});

function fixture(name: string): Buffer {
  const frame = fixtures.get(name);
  if (!frame) throw new Error(`WireFixtures.java has no case ${name}`);
  compared.add(name);
  return frame;
}

/** A fixture's frame without its length, checking the length first. */
function body(name: string): Buffer {
  const frame = fixture(name);
  expect(frame.readInt32BE(0), `${name}: length`).toBe(frame.length - 4);
  return frame.subarray(4);
}

function expectFrame(frame: Buffer, name: string): void {
  expect(frame.toString('hex'), name).toBe(fixture(name).toString('hex'));
}

describe('answers as ZooKeeper writes them, through our readers', () => {
  /** Reads `name` with `read`, which must take every byte of it. */
  function decode<T>(name: string, read: (reader: JuteReader) => T): T {
    const reader = new JuteReader(body(name));
    const value = read(reader);
    expect(reader.remaining, `${name}: bytes left unread`).toBe(0);
    return value;
  }

  /** An answer: its ReplyHeader, then what `read` reads. */
  const answer = <T>(name: string, read?: (reader: JuteReader) => T) =>
    decode(name, (reader) => ({ header: readReplyHeader(reader), value: read?.(reader) }));
  const ok = (zxid: number) => ({ xid: RESPONSE_XID, zxid, err: ZkCodes.OK });

  it('ConnectResponse: protocol version, timeout, session id (negative too), password, readOnly', () => {
    expect(decode('response.connect', readConnectResponse)).toEqual({
      protocolVersion: 0,
      timeOut: TIMEOUT,
      sessionId: SESSION_ID,
      passwd: PASSWD,
      readOnly: false,
    });
    expect(decode('response.connect.negativeId.readOnly', readConnectResponse)).toEqual({
      protocolVersion: 0,
      timeOut: TIMEOUT,
      sessionId: NEGATIVE_SESSION_ID,
      passwd: PASSWD,
      readOnly: true,
    });
    expect(decode('response.connect.pingSession', readConnectResponse)).toMatchObject({
      timeOut: PING_TIMEOUT,
      sessionId: SESSION_ID,
    });
    expect(decode('response.connect.expired', readConnectResponse)).toEqual({
      protocolVersion: 0,
      timeOut: 0,
      sessionId: 0n,
      passwd: Buffer.alloc(16),
      readOnly: false,
    });
  });

  it('ReplyHeader alone: OK, an error code, auth and ping answers', () => {
    expect(answer('response.ok').header).toEqual(ok(ZXID));
    expect(answer('response.error.noNode').header).toEqual({
      xid: RESPONSE_XID,
      zxid: ZXID,
      err: ZkCodes.NONODE,
    });
    expect(answer('response.auth').header).toEqual({ xid: -4, zxid: 0, err: ZkCodes.OK });
    expect(answer('response.auth.failed').header).toEqual({
      xid: -4,
      zxid: 0,
      err: ZkCodes.AUTHFAILED,
    });
    expect(answer('response.ping').header).toEqual({ xid: -2, zxid: ZXID, err: 0 });
  });

  it('Create2Response, ExistsResponse (a Stat), SetDataResponse, SetACLResponse', () => {
    const created = (reader: JuteReader) => ({ path: reader.ustring(), stat: readStat(reader) });
    expect(answer('response.create2', created)).toEqual({
      header: ok(LAST_ZXID),
      value: { path: '/wire/member-0000000007', stat: EPHEMERAL_STAT },
    });
    expect(answer('response.create2.unicode', created).value).toEqual({
      path: UNICODE_PATH,
      stat: STAT,
    });
    expect(answer('response.exists', readStat)).toEqual({ header: ok(ZXID), value: STAT });
    expect(answer('response.setData', readStat).value).toEqual(STAT);
    expect(answer('response.setACL', readStat).value).toEqual(STAT);
  });

  it('GetDataResponse, GetChildren2Response, GetACLResponse (empty ones too)', () => {
    const data = (reader: JuteReader) => ({ data: reader.buffer(), stat: readStat(reader) });
    expect(answer('response.getData', data).value).toEqual({
      data: Buffer.from('hello'),
      stat: STAT,
    });
    expect(answer('response.getData.empty', data).value).toEqual({
      data: Buffer.alloc(0),
      stat: STAT,
    });
    const children = (reader: JuteReader) => ({
      children: reader.vector(readString, 4),
      stat: readStat(reader),
    });
    expect(answer('response.getChildren2', children).value).toEqual({
      children: ['a', 'b', 'member-0000000007'],
      stat: STAT,
    });
    expect(answer('response.getChildren2.none', children).value).toEqual({
      children: [],
      stat: STAT,
    });
    const acl = (reader: JuteReader) => ({
      acl: reader.vector(readAcl, 12),
      stat: readStat(reader),
    });
    expect(answer('response.getACL', acl).value).toEqual({
      acl: AUTH_READ,
      stat: EPHEMERAL_STAT,
    });
  });

  it('GetEphemeralsResponse and WhoAmIResponse', () => {
    expect(answer('response.getEphemerals', (r) => r.vector(readString, 4)).value).toEqual([
      '/wire/member-0000000007',
      '/wire/other',
    ]);
    expect(answer('response.whoAmI', (r) => r.vector(readClientInfo, 8)).value).toEqual([
      { authScheme: 'digest', user: 'user' },
      { authScheme: 'ip', user: '127.0.0.1' },
    ]);
  });

  it('MultiResponse: each result after its MultiHeader, ErrorResults of a failed one', () => {
    expect(answer('response.multi.success', readMultiResponse).value).toEqual([
      { type: 'check' },
      { type: 'create', path: '/wire/multi', stat: STAT },
      { type: 'create', path: '/wire/multi-plain' },
      { type: 'setData', stat: EPHEMERAL_STAT },
      { type: 'delete' },
    ]);
    expect(answer('response.multi.failure', readMultiResponse)).toEqual({
      header: ok(ZXID),
      value: [
        { type: 'error', err: ZkCodes.OK },
        { type: 'error', err: ZkCodes.NONODE },
        { type: 'error', err: ZkCodes.RUNTIMEINCONSISTENCY },
      ],
    });
  });

  it.each(Object.entries(JAVA_EVENT_TYPES))('WatcherEvent notification %s', (name, type) => {
    expect(answer(`response.notification.${name}`, readWatcherEvent)).toEqual({
      header: { xid: -1, zxid: -1, err: 0 },
      value: { type, state: CONNECTED, path: '/wire/event' },
    });
  });
});

/** What a handle told its session, and what it logged. */
function recorder() {
  const seen = { connected: 0, connecting: 0, closed: [] as number[], logged: [] as string[] };
  const nodes: Array<[ZkNodeEvent, string]> = [];
  const waiters: Array<() => void> = [];
  const changed = () => {
    for (const waiter of waiters.splice(0)) waiter();
  };
  const events: ZkHandleEvents = {
    connected: () => {
      seen.connected++;
      changed();
    },
    connecting: () => {
      seen.connecting++;
      changed();
    },
    closed: (code) => {
      seen.closed.push(code);
      changed();
    },
    node: (event, path) => {
      nodes.push([event, path]);
      changed();
    },
  };
  const logger: ZkLogger = {
    log: () => {},
    warn: (message) => seen.logged.push(message),
    error: (message) => seen.logged.push(message),
  };
  /** Resolves once `condition` holds (checked on each event). */
  const until = async (condition: () => boolean) => {
    while (!condition()) await new Promise<void>((resolve) => waiters.push(resolve));
  };
  return { seen, nodes, events, logger, until };
}

describe('requests as ZooKeeper writes them, sent by a ProtocolHandle to a fake server', () => {
  let server: FakeZooKeeper;
  const handles: ProtocolHandle[] = [];

  beforeAll(async () => {
    server = await FakeZooKeeper.start();
  });
  afterEach(() => {
    for (const handle of handles.splice(0)) handle.close();
  });
  afterAll(async () => {
    await server?.stop();
  });

  function open(
    record: ReturnType<typeof recorder>,
    options: { readOnly?: boolean; timeoutMs?: number } = {},
  ) {
    const handle = new ProtocolHandle(
      {
        servers: [server.address],
        chroot: '',
        sessionTimeoutMs: options.timeoutMs ?? TIMEOUT,
        tls: undefined,
        canBeReadOnly: options.readOnly ?? false,
        keepProcessAlive: true,
        maxFrameBytes: DEFAULT_MAX_FRAME_BYTES,
        logger: record.logger,
      },
      record.events,
    );
    handles.push(handle);
    return handle;
  }

  /** A Java answer for the request `frame`: its xid put in place of the generator's. */
  function answerTo(frame: Buffer, name: string): Buffer {
    const answer = Buffer.from(fixture(name));
    if (answer.readInt32BE(4) === RESPONSE_XID) answer.writeInt32BE(frame.readInt32BE(4), 4);
    return answer;
  }

  /**
   * Sends one request with `call`, checks the frame the server gets against the case `name`,
   * answers it with the case `reply` and resolves with what the handle then calls back with.
   */
  async function ask<T>(
    connection: FakeConnection,
    name: string,
    call: (done: Complete<T>) => number,
    reply: string,
  ): Promise<{ rc: number; value?: T }> {
    let queued: number | undefined;
    const answered = new Promise<{ rc: number; value?: T }>((resolve) => {
      queued = call((rc, value) => resolve({ rc, value }));
    });
    expect(queued, `${name}: queued`).toBe(ZkCodes.OK);
    const frame = await connection.nextFrame();
    expectFrame(frame, name);
    connection.send(answerTo(frame, reply));
    return answered;
  }

  it('a session: ConnectRequest, every request, then resumed with its last zxid, credentials and watches', async () => {
    const record = recorder();
    const handle = open(record);
    const first = await server.nextConnection();
    expectFrame(await first.nextFrame(), 'request.connect.new');
    first.send(fixture('response.connect'));
    await record.until(() => record.seen.connected === 1);
    expect(handle.sessionId).toBe('123456789abcdef0');
    expect(handle.negotiatedTimeoutMs).toBe(TIMEOUT);
    const ops = handle.ops;
    const ask1 = <T>(name: string, call: (done: Complete<T>) => number, reply: string) =>
      ask(first, name, call, reply);

    // Creates: OPEN (the default) and [auth ALL, world READ], each mode's flags and op code.
    const created = {
      rc: ZkCodes.OK,
      value: { path: '/wire/member-0000000007', stat: EPHEMERAL_STAT },
    };
    const data = Buffer.from('hello');
    const member = Buffer.from('{"port":8080}');
    const ttl = Buffer.from('ttl');
    const { persistent } = createFlags;
    const creates: Array<[string, (done: Complete<unknown>) => number]> = [
      [
        'request.create2.open.persistent',
        (done) => ops.create('/wire/node', data, persistent, undefined, undefined, done),
      ],
      [
        'request.create2.authRead.persistent',
        (done) => ops.create('/wire/secured', data, persistent, AUTH_READ, undefined, done),
      ],
      [
        'request.create2.open.ephemeralSequential',
        (done) =>
          ops.create(
            '/wire/member-',
            member,
            createFlags['ephemeral-sequential'],
            undefined,
            undefined,
            done,
          ),
      ],
      [
        'request.create2.authRead.ephemeralSequential',
        (done) =>
          ops.create(
            '/wire/member-',
            member,
            createFlags['ephemeral-sequential'],
            AUTH_READ,
            undefined,
            done,
          ),
      ],
      [
        'request.createContainer.open',
        (done) =>
          ops.create(
            '/wire/container',
            Buffer.alloc(0),
            createFlags.container,
            undefined,
            undefined,
            done,
          ),
      ],
      [
        'request.createContainer.authRead',
        (done) =>
          ops.create(
            '/wire/container',
            Buffer.alloc(0),
            createFlags.container,
            AUTH_READ,
            undefined,
            done,
          ),
      ],
      [
        'request.createTTL.open.persistent',
        (done) =>
          ops.create('/wire/ttl', ttl, createFlags['persistent-ttl'], undefined, 60_000, done),
      ],
      [
        'request.createTTL.authRead.persistentSequential',
        (done) =>
          ops.create(
            '/wire/ttl-',
            ttl,
            createFlags['persistent-sequential-ttl'],
            AUTH_READ,
            60_000,
            done,
          ),
      ],
    ];
    for (const [name, call] of creates) {
      expect(await ask1(name, call, 'response.create2'), name).toEqual(created);
    }
    expect(
      await ask1(
        'request.create2.unicode',
        (done) =>
          ops.create(
            UNICODE_PATH,
            Buffer.from('déjà vu 😀'),
            persistent,
            undefined,
            undefined,
            done,
          ),
        'response.create2.unicode',
      ),
    ).toEqual({ rc: ZkCodes.OK, value: { path: UNICODE_PATH, stat: STAT } });

    // Reads, writes, watches armed (a data watch on /wire/node and /wire/data, an exist watch on
    // /wire/missing, a child watch on /wire).
    expect(
      await ask1('request.delete', (done) => ops.delete('/wire/node', 3, done), 'response.ok'),
    ).toEqual({ rc: ZkCodes.OK });
    expect(
      await ask1(
        'request.exists.watch',
        (done) => ops.exists('/wire/node', true, done),
        'response.exists',
      ),
    ).toEqual({ rc: ZkCodes.OK, value: STAT });
    expect(
      await ask1(
        'request.exists.watch.missing',
        (done) => ops.exists('/wire/missing', true, done),
        'response.error.noNode',
      ),
    ).toEqual({ rc: ZkCodes.NONODE });
    expect(
      await ask1(
        'request.exists.noWatch',
        (done) => ops.exists('/wire/node', false, done),
        'response.exists',
      ),
    ).toEqual({ rc: ZkCodes.OK, value: STAT });
    expect(
      await ask1(
        'request.getData.watch',
        (done) => ops.getData('/wire/data', true, done),
        'response.getData',
      ),
    ).toEqual({ rc: ZkCodes.OK, value: { data: Buffer.from('hello'), stat: STAT } });
    expect(
      await ask1(
        'request.getData.noWatch',
        (done) => ops.getData('/wire/node', false, done),
        'response.getData.empty',
      ),
    ).toEqual({ rc: ZkCodes.OK, value: { data: Buffer.alloc(0), stat: STAT } });
    expect(
      await ask1(
        'request.setData',
        (done) => ops.setData('/wire/node', Buffer.from('world'), 2, done),
        'response.setData',
      ),
    ).toEqual({ rc: ZkCodes.OK, value: STAT });
    expect(
      await ask1(
        'request.getChildren2.watch',
        (done) => ops.getChildren('/wire', true, done),
        'response.getChildren2',
      ),
    ).toEqual({ rc: ZkCodes.OK, value: { children: ['a', 'b', 'member-0000000007'], stat: STAT } });
    expect(
      await ask1(
        'request.getChildren2.noWatch',
        (done) => ops.getChildren('/wire/data', false, done),
        'response.getChildren2.none',
      ),
    ).toEqual({ rc: ZkCodes.OK, value: { children: [], stat: STAT } });
    expect(
      await ask1('request.getACL', (done) => ops.getAcl('/wire/secured', done), 'response.getACL'),
    ).toEqual({ rc: ZkCodes.OK, value: { acl: AUTH_READ, stat: EPHEMERAL_STAT } });
    expect(
      await ask1(
        'request.setACL',
        (done) => ops.setAcl('/wire/secured', 4, AUTH_READ, done),
        'response.setACL',
      ),
    ).toEqual({ rc: ZkCodes.OK });
    expect(
      await ask1(
        'request.setACL.supplementaryId',
        (done) => ops.setAcl('/wire/secured', -1, SUPPLEMENTARY_ACL, done),
        'response.setACL',
      ),
    ).toEqual({ rc: ZkCodes.OK });
    // An auth packet: xid -4, no xid of its own.
    expect(
      await ask1(
        'request.auth',
        (done) => ops.addAuth('digest', 'user:pass', done),
        'response.auth',
      ),
    ).toEqual({ rc: ZkCodes.OK });

    // Persistent watches (kept for the resumed session), and removeWatches of each type.
    expect(
      await ask1(
        'request.addWatch.persistent',
        (done) => ops.addWatch!('/wire/persistent', 'persistent', done),
        'response.ok',
      ),
    ).toEqual({ rc: ZkCodes.OK });
    expect(
      await ask1(
        'request.addWatch.persistentRecursive',
        (done) => ops.addWatch!('/wire/recursive', 'persistentRecursive', done),
        'response.ok',
      ),
    ).toEqual({ rc: ZkCodes.OK });
    for (const which of ['children', 'data', 'any', 'persistent', 'persistentRecursive'] as const) {
      expect(
        await ask1(
          `request.removeWatches.${which}`,
          (done) => ops.removeWatches!('/wire/removed', which, done),
          'response.ok',
        ),
      ).toEqual({ rc: ZkCodes.OK });
    }
    expect(
      await ask1(
        'request.getEphemerals',
        (done) => ops.getEphemerals!('/wire', done),
        'response.getEphemerals',
      ),
    ).toEqual({ rc: ZkCodes.OK, value: ['/wire/member-0000000007', '/wire/other'] });
    expect(await ask1('request.whoAmI', (done) => ops.whoAmI!(done), 'response.whoAmI')).toEqual({
      rc: ZkCodes.OK,
      value: [
        { authScheme: 'digest', user: 'user' },
        { authScheme: 'ip', user: '127.0.0.1' },
      ],
    });

    // Multis, built from the client's operations as ZkClient.multi builds them.
    const multi: ZkMultiOp[] = [
      { type: 'check', path: '/wire/node', version: 1 },
      { type: 'create', path: '/wire/multi', data: 'm' },
      { type: 'setData', path: '/wire/node', data: 'multi', version: 2 },
      { type: 'delete', path: '/wire/old' },
    ];
    expect(
      await ask1(
        'request.multi',
        (done) => ops.multi!(toMultiOps(multi, undefined), done),
        'response.multi.success',
      ),
    ).toEqual({
      rc: ZkCodes.OK,
      value: [
        { type: 'check' },
        { type: 'create', path: '/wire/multi', stat: STAT },
        { type: 'create', path: '/wire/multi-plain' },
        { type: 'setData', stat: EPHEMERAL_STAT },
        { type: 'delete' },
      ],
    });
    const failing: ZkMultiOp[] = [
      {
        type: 'create',
        path: '/wire/ttl-multi',
        data: 't',
        mode: 'persistent-ttl',
        ttlMs: 60_000,
        acl: AUTH_READ,
      },
      { type: 'setData', path: '/wire/missing', data: 'x' },
      { type: 'check', path: '/wire/node', version: 7 },
    ];
    const failed = await ask1<MultiResult[]>(
      'request.multi.failing',
      (done) => ops.multi!(toMultiOps(failing, undefined), done),
      'response.multi.failure',
    );
    expect(failed).toEqual({
      rc: ZkCodes.OK,
      value: [
        { type: 'error', err: ZkCodes.OK },
        { type: 'error', err: ZkCodes.NONODE },
        { type: 'error', err: ZkCodes.RUNTIMEINCONSISTENCY },
      ],
    });
    const outcome = fromMultiResults(failing, failed.value!);
    expect(outcome).toBeInstanceOf(ZkMultiError);
    expect(outcome).toMatchObject({ failedIndex: 1, cause: { code: ZkCodes.NONODE } });

    // The connection drops: the same session is resumed on a new one, with the last zxid seen
    // (the create's answer carried LAST_ZXID, the later ones a smaller zxid), then the credentials
    // and the watches armed above.
    first.drop();
    const second = await server.nextConnection();
    expectFrame(await second.nextFrame(), 'request.connect.resumed');
    second.send(fixture('response.connect'));
    expectFrame(await second.nextFrame(), 'request.auth');
    second.send(fixture('response.auth'));
    expectFrame(await second.nextFrame(), 'request.setWatches2');
    await record.until(() => record.seen.connected === 2);
    expect(record.seen.connecting).toBe(1);
    expect(handle.sessionId).toBe('123456789abcdef0');

    // Notifications of each event type: the four node events reach the session, the others are
    // not for it. The others go first, so that once the four arrived every one has been read.
    const others = ['None', 'DataWatchRemoved', 'ChildWatchRemoved', 'PersistentWatchRemoved'];
    const nodeEvents = ['NodeCreated', 'NodeDeleted', 'NodeDataChanged', 'NodeChildrenChanged'];
    second.send(
      ...[...others, ...nodeEvents].map((name) => fixture(`response.notification.${name}`)),
    );
    await record.until(() => record.nodes.length === 4);
    expect(record.nodes).toEqual([
      ['created', '/wire/event'],
      ['deleted', '/wire/event'],
      ['changed', '/wire/event'],
      ['child', '/wire/event'],
    ]);

    // Closing sends closeSession with the next xid.
    handle.close();
    expectFrame(await second.nextFrame(), 'request.closeSession');
    expect(record.seen.closed).toEqual([]);
    expect(record.seen.logged).toEqual([]);
  });

  it('a read-only session granted a negative session id, resumed', async () => {
    const record = recorder();
    const handle = open(record, { readOnly: true });
    const first = await server.nextConnection();
    expectFrame(await first.nextFrame(), 'request.connect.new.readOnly');
    first.send(fixture('response.connect.negativeId.readOnly'));
    await record.until(() => record.seen.connected === 1);
    expect(handle.sessionId).toBe('edcba98765432110');
    const create = (done: Complete<unknown>) =>
      handle.ops.create(
        '/wire/node',
        Buffer.from('hello'),
        createFlags.persistent,
        undefined,
        undefined,
        done,
      );
    expect(
      (await ask(first, 'request.create2.open.persistent', create, 'response.create2')).rc,
    ).toBe(ZkCodes.OK);
    first.drop();
    const second = await server.nextConnection();
    expectFrame(await second.nextFrame(), 'request.connect.resumed.negativeId.readOnly');
    expect(record.seen.logged).toEqual([]);
  });

  it('a session the server no longer knows (timeout 0) ends as expired', async () => {
    const record = recorder();
    const handle = open(record);
    const connection = await server.nextConnection();
    expectFrame(await connection.nextFrame(), 'request.connect.new');
    connection.send(fixture('response.connect.expired'));
    await record.until(() => record.seen.closed.length === 1);
    expect(record.seen.closed).toEqual([ZkSessionStates.EXPIRED]);
    expect(handle.alive).toBe(false);
  });

  it('a quiet session pings', async () => {
    const record = recorder();
    open(record, { timeoutMs: PING_TIMEOUT });
    const connection = await server.nextConnection();
    expectFrame(await connection.nextFrame(), 'request.connect.new.pingSession');
    connection.send(fixture('response.connect.pingSession'));
    // A third of the session timeout without sending anything.
    expectFrame(await connection.nextFrame(), 'request.ping');
    connection.send(fixture('response.ping'));
    expect(record.seen.logged).toEqual([]);
  });
});

// Last (tests run in order): a case of the generator that no test above compared is a mistake.
it('compares every case of WireFixtures.java', () => {
  const unused = [...fixtures.keys()].filter((name) => !compared.has(name));
  expect(unused, 'cases no test compared (after a failure above: those it did not reach)').toEqual(
    [],
  );
});
