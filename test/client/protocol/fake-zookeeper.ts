import { createServer, type Server, type Socket } from 'node:net';
import type { ZkServerAddress } from '../../../lib/client/zk-server-address.js';

/** Items in arrival order, each taken once by `next()` (now, or when it arrives). */
class Arrivals<T> {
  private readonly items: T[] = [];
  private readonly takers: Array<(item: T) => void> = [];

  push(item: T): void {
    const taker = this.takers.shift();
    if (taker) taker(item);
    else this.items.push(item);
  }

  next(): Promise<T> {
    const item = this.items.shift();
    if (item !== undefined) return Promise.resolve(item);
    return new Promise((resolve) => this.takers.push(resolve));
  }
}

/** One client connection to the fake server: the frames it sent, and what the test answers. */
export class FakeConnection {
  private readonly frames = new Arrivals<Buffer>();
  private pending = Buffer.alloc(0);

  constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.pending = Buffer.concat([this.pending, chunk]);
      while (this.pending.length >= 4) {
        const end = 4 + this.pending.readInt32BE(0);
        if (this.pending.length < end) break;
        this.frames.push(this.pending.subarray(0, end));
        this.pending = this.pending.subarray(end);
      }
    });
    socket.on('error', () => {});
  }

  /** The next whole frame the client sent (its length included). */
  nextFrame(): Promise<Buffer> {
    return this.frames.next();
  }

  send(...frames: Buffer[]): void {
    this.socket.write(Buffer.concat(frames));
  }

  /** Sends, then hangs up: the client reads what was sent, then the end of the connection. */
  end(...frames: Buffer[]): void {
    this.socket.end(Buffer.concat(frames));
  }

  /** Cuts the connection, as a server that went away. */
  drop(): void {
    this.socket.destroy();
  }
}

/**
 * Just enough of a ZooKeeper server for the wire tests: it listens on 127.0.0.1 (a free port),
 * cuts what each client sends into frames and answers only what the test tells it to.
 */
export class FakeZooKeeper {
  private readonly connections = new Arrivals<FakeConnection>();
  private readonly sockets = new Set<Socket>();

  private constructor(private readonly server: Server) {}

  static async start(): Promise<FakeZooKeeper> {
    const server = createServer();
    const fake = new FakeZooKeeper(server);
    server.on('connection', (socket) => {
      fake.sockets.add(socket);
      socket.once('close', () => fake.sockets.delete(socket));
      fake.connections.push(new FakeConnection(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  get address(): ZkServerAddress {
    const address = this.server.address();
    if (!address || typeof address === 'string')
      throw new Error('The fake server is not listening');
    return { host: '127.0.0.1', port: address.port };
  }

  /** The next client connection. */
  nextConnection(): Promise<FakeConnection> {
    return this.connections.next();
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
