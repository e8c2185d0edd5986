import { createServer, type Server, type Socket } from 'node:net';

/**
 * A plain TCP echo server on 127.0.0.1, the target of the fault proxy's own tests. It counts
 * what reaches it and lets a test push bytes to, or hang up on, every connection.
 */
export class EchoServer {
  /** Server-side sockets currently open. */
  readonly sockets = new Set<Socket>();
  /** Connections ever accepted. */
  accepted = 0;
  /** Bytes ever received. */
  receivedBytes = 0;

  private constructor(
    private readonly server: Server,
    /** The port it listens on. */
    readonly port: number,
  ) {}

  /** Starts an echo server on a free loopback port. */
  static async start(): Promise<EchoServer> {
    let echo: EchoServer | undefined;
    const server = createServer((socket) => echo!.accept(socket));
    const port = await new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        resolve(typeof address === 'object' && address ? address.port : 0);
      });
    });
    echo = new EchoServer(server, port);
    return echo;
  }

  /** `{ host, port }`, the shape FaultProxy.start() takes. */
  get target(): { host: string; port: number } {
    return { host: '127.0.0.1', port: this.port };
  }

  /** Writes `data` to every open connection (server to client). */
  push(data: string): void {
    for (const socket of this.sockets) socket.write(data);
  }

  /** Closes every open connection from the server side. */
  hangUpAll(): void {
    for (const socket of this.sockets) socket.destroy();
  }

  /** Closes every connection and stops listening. */
  async close(): Promise<void> {
    this.hangUpAll();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private accept(socket: Socket): void {
    this.accepted++;
    this.sockets.add(socket);
    socket.on('data', (chunk: Buffer) => {
      this.receivedBytes += chunk.length;
      socket.write(chunk);
    });
    socket.on('error', () => {});
    socket.on('close', () => this.sockets.delete(socket));
  }
}
