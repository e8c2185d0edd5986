import type { connectivityState, experimental } from '@grpc/grpc-js';
import { grpc } from './grpc-peer.js';

/**
 * One instance's connection, as the `zk_discovery` policy holds it: a subchannel kept connected
 * (started again whenever it falls idle or fails, as `round_robin` does) and its last state.
 */
export class SubchannelEndpoint {
  state: connectivityState;
  /**
   * It failed to connect and has not been connected since: an instance that is down, not one
   * whose first connection (or reconnection) is on its way.
   */
  failing = false;
  /** The last connection error the subchannel reported. */
  lastError: string | undefined;
  private closed = false;

  private readonly listener: experimental.ConnectivityStateListener = (
    _subchannel,
    _previous,
    next,
    _keepalive,
    errorMessage,
  ) => {
    if (this.closed) return;
    this.state = next;
    if (errorMessage) this.lastError = errorMessage;
    if (next === grpc.connectivityState.READY) this.failing = false;
    else if (next === grpc.connectivityState.TRANSIENT_FAILURE) this.failing = true;
    if (next === grpc.connectivityState.IDLE || next === grpc.connectivityState.TRANSIENT_FAILURE) {
      this.subchannel.startConnecting();
    }
    this.onChange();
  };

  constructor(
    readonly subchannel: experimental.SubchannelInterface,
    private readonly helper: experimental.ChannelControlHelper,
    private readonly onChange: () => void,
  ) {
    subchannel.ref();
    helper.addChannelzChild(subchannel.getChannelzRef());
    subchannel.addConnectivityStateListener(this.listener);
    this.state = subchannel.getConnectivityState();
    this.failing = this.state === grpc.connectivityState.TRANSIENT_FAILURE;
  }

  get ready(): boolean {
    return this.state === grpc.connectivityState.READY;
  }

  /** Starts connecting when idle (a new subchannel, or the channel left its idle state). */
  exitIdle(): void {
    if (this.state === grpc.connectivityState.IDLE) this.subchannel.startConnecting();
  }

  /** Lets the subchannel go; the connection closes once no channel uses it. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.subchannel.removeConnectivityStateListener(this.listener);
    this.helper.removeChannelzChild(this.subchannel.getChannelzRef());
    this.subchannel.unref();
  }
}
