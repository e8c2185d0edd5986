import { connect, type Socket } from 'node:net';
import { waitFor } from './wait-for.js';

/**
 * A TCP client that records everything it receives and whether its socket closed, so a test
 * can wait for an answer (or prove there was none) without sleeping blindly.
 */
export class TestClient {
  /** Everything received so far. */
  received = '';
  /** Whether the socket has closed (by either side). */
  closed = false;

  private constructor(readonly socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.received += chunk;
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      this.closed = true;
    });
  }

  /** Connects to 127.0.0.1:`port`; resolves once the TCP connection is established. */
  static async connect(port: number): Promise<TestClient> {
    const socket = connect({ host: '127.0.0.1', port });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new TestClient(socket);
  }

  /** Sends `data` and waits until exactly it has come back (an echo round trip). */
  async roundTrip(data: string, timeoutMs = 2_000): Promise<void> {
    const expected = this.received + data;
    this.socket.write(data);
    await waitFor(() => this.received === expected, { timeoutMs, message: `echo of '${data}'` });
  }

  /** Waits until the socket is closed. */
  async waitClosed(timeoutMs = 2_000): Promise<void> {
    await waitFor(() => this.closed, { timeoutMs, message: 'the client socket to close' });
  }

  /** Closes the socket. */
  destroy(): void {
    this.socket.destroy();
  }
}
