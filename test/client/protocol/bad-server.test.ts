import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ZkConnectionLossError, ZkError, type ZkLogger } from '../../../lib/client/index.js';
import { JuteReader } from '../../../lib/client/protocol/jute-reader.js';
import { JuteWriter } from '../../../lib/client/protocol/jute-writer.js';
import { OpCode } from '../../../lib/client/protocol/protocol.constants.js';
import { ZkClient } from '../../../lib/client/zk-client.js';
import { FuzzRandom } from '../../support/protocol-fuzz.js';
import { waitFor } from '../../support/wait-for.js';
import { type FakeConnection, FakeZooKeeper } from './fake-zookeeper.js';

/** The session the fake server grants, and the zxid of its answers. */
const SESSION_ID = 0x1234_5678_9abc_def0n;
const ZXID = 0x1_0000_0007;
const ZNONODE = -101;

interface ConnectRequestSeen {
  sessionId: bigint;
  lastZxidSeen: bigint;
}

/** What the server does instead of answering the first request of its first connection. */
type Misbehaviour = (connection: FakeConnection, xid: number) => void;

/**
 * A ZooKeeper server scripted on the fake one: it answers ConnectRequests (resuming the session a
 * client names), pings and closeSession, answers every request with ZNONODE (`exists` resolves
 * null) but the first request of the first connection, which gets `misbehave` instead.
 */
class ScriptedZooKeeper {
  readonly connects: ConnectRequestSeen[] = [];
  private misbehaved = false;

  private constructor(
    private readonly fake: FakeZooKeeper,
    private readonly misbehave: Misbehaviour,
  ) {}

  static async start(misbehave: Misbehaviour): Promise<ScriptedZooKeeper> {
    const scripted = new ScriptedZooKeeper(await FakeZooKeeper.start(), misbehave);
    void scripted.serve();
    return scripted;
  }

  get port(): number {
    return this.fake.address.port;
  }

  close(): Promise<void> {
    return this.fake.stop();
  }

  /** Answers each connection; the loops just wait for ever once the fake server is stopped. */
  private async serve(): Promise<void> {
    for (;;) void this.answer(await this.fake.nextConnection());
  }

  private async answer(connection: FakeConnection): Promise<void> {
    const first = await connection.nextFrame();
    const index = this.connects.length;
    this.onConnectRequest(connection, bodyOf(first));
    for (;;) this.onRequest(connection, bodyOf(await connection.nextFrame()), index);
  }

  private onConnectRequest(connection: FakeConnection, reader: JuteReader): void {
    reader.int(); // protocolVersion
    const lastZxidSeen = reader.bigLong();
    const timeOut = reader.int();
    const sessionId = reader.bigLong();
    this.connects.push({ sessionId, lastZxidSeen });
    const response = new JuteWriter(64)
      .int(0)
      .int(timeOut)
      .long(sessionId === 0n ? SESSION_ID : sessionId)
      .buffer(Buffer.alloc(16, 7))
      .bool(false);
    connection.send(response.frame());
  }

  private onRequest(connection: FakeConnection, reader: JuteReader, index: number): void {
    const xid = reader.int();
    const type = reader.int();
    if (xid > 0 && index === 0 && !this.misbehaved) {
      this.misbehaved = true;
      this.misbehave(connection, xid);
      return;
    }
    const err = xid > 0 && type !== OpCode.closeSession ? ZNONODE : 0;
    const reply = replyHeader(xid, ZXID, err).frame();
    if (type === OpCode.closeSession) connection.end(reply);
    else connection.send(reply);
  }
}

/** A frame the client sent, past its length. */
function bodyOf(frame: Buffer): JuteReader {
  return new JuteReader(frame.subarray(4));
}

function replyHeader(xid: number, zxid: number | bigint, err: number): JuteWriter {
  return new JuteWriter(128).int(xid).long(zxid).int(err);
}

function bytesOf(...ints: number[]): Buffer {
  const bytes = Buffer.alloc(ints.length * 4);
  for (const [index, value] of ints.entries()) bytes.writeInt32BE(value, index * 4);
  return bytes;
}

interface Scenario {
  name: string;
  misbehave: Misbehaviour;
  /** The ZkProtocolError's message, as the warning names it. */
  warning: RegExp;
}

const scenarios: Scenario[] = [
  {
    name: 'a truncated frame, then the server closes',
    misbehave: (connection, xid) => {
      const frame = replyHeader(xid, ZXID, 0).frame(); // claims 16 bytes
      connection.end(frame.subarray(0, 11));
    },
    warning: /Truncated frame: 127\.0\.0\.1:\d+ closed the connection 11 bytes into a frame/,
  },
  {
    name: 'a frame length of 0x7fffffff',
    misbehave: (connection) => connection.send(bytesOf(0x7fffffff, 1, 2, 3)),
    warning: /Frame of 2147483647 bytes from ZooKeeper: over the limit of 1048575 bytes/,
  },
  {
    name: 'random garbage',
    misbehave: (connection) => connection.send(new FuzzRandom(0xbad5eed).bytes(256)),
    warning: /Frame of -?\d+ bytes from ZooKeeper|Malformed frame from ZooKeeper/,
  },
  {
    name: 'a reply with an xid no request has',
    misbehave: (connection, xid) =>
      connection.send(replyHeader(xid + 1_000, ZXID, ZNONODE).frame()),
    warning: /request \d+/,
  },
  {
    name: 'a negative frame length',
    misbehave: (connection) => connection.send(bytesOf(-2, 0, 0, 0)),
    warning: /Frame of -2 bytes from ZooKeeper: a negative length/,
  },
  {
    name: 'a reply whose zxid is past 2^63 (the next ConnectRequest could not hold it), then a close',
    misbehave: (connection, xid) =>
      connection.end(replyHeader(xid, 0x7fffffffffffffffn, ZNONODE).frame()),
    warning: /Malformed frame from ZooKeeper: a long past 2\^53/,
  },
];

function recordingLogger(): ZkLogger & { warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, log: () => {}, warn: (line) => warnings.push(line), error: () => {} };
}

describe('a server that sends bad bytes: the connection closes, the client reconnects', () => {
  let server: ScriptedZooKeeper | undefined;
  let client: ZkClient | undefined;
  const uncaught: unknown[] = [];
  const onUncaught = (error: unknown) => uncaught.push(error);

  beforeEach(() => {
    uncaught.length = 0;
    process.on('uncaughtException', onUncaught);
    process.on('unhandledRejection', onUncaught);
  });

  afterEach(async () => {
    process.off('uncaughtException', onUncaught);
    process.off('unhandledRejection', onUncaught);
    await client?.close();
    await server?.close();
    client = undefined;
    server = undefined;
  });

  it.each(scenarios)('$name', async ({ misbehave, warning }) => {
    server = await ScriptedZooKeeper.start(misbehave);
    const logger = recordingLogger();
    client = new ZkClient({
      servers: `127.0.0.1:${server.port}`,
      transport: 'protocol',
      logger,
      sessionTimeoutMs: 10_000,
      operationTimeoutMs: 5_000,
    });
    client.start();
    await client.waitUntilConnected(5_000);
    expect(client.sessionId).toBe(SESSION_ID.toString(16));

    const error = await client.exists('/answered-badly').then(
      () => undefined,
      (rejected: unknown) => rejected,
    );
    expect(error).toBeInstanceOf(ZkError);
    expect(error).toBeInstanceOf(ZkConnectionLossError);
    await waitFor(() => logger.warnings.some((line) => warning.test(line)), {
      message: `a warning matching ${warning} (warnings: ${JSON.stringify(logger.warnings)})`,
    });

    // The same session again, on a second connection.
    const scripted = server;
    await waitFor(() => scripted.connects.length >= 2 && client?.state === 'connected', {
      message: 'a second connection, connected',
    });
    expect(scripted.connects[1].sessionId).toBe(SESSION_ID);
    expect(client.sessionId).toBe(SESSION_ID.toString(16));
    await expect(client.exists('/answered-well')).resolves.toBeNull();
    expect(uncaught).toEqual([]);
  });

  it('answers pings and requests when nothing is wrong (the fake server itself works)', async () => {
    server = await ScriptedZooKeeper.start((connection, xid) =>
      connection.send(replyHeader(xid, ZXID, ZNONODE).frame()),
    );
    client = new ZkClient({
      servers: `127.0.0.1:${server.port}`,
      transport: 'protocol',
      logger: recordingLogger(),
    });
    client.start();
    await client.waitUntilConnected(5_000);
    await expect(client.exists('/a')).resolves.toBeNull();
    await expect(client.exists('/b')).resolves.toBeNull();
    expect(server.connects).toHaveLength(1);
  });
});
