import { Inject, Injectable } from '@nestjs/common';
import { BehaviorSubject, type Observable } from 'rxjs';
import type { ZkClient } from '../client/zk-client.js';
import type { ZkClientState } from '../client/zk-client.types.js';
import { ZK_CLIENT } from './zk-discovery.constants.js';

/** The app's ZooKeeper session as `ZkDiscoveryService.session$` reports it. */
export interface ZkSessionStatus {
  /** The client's state: `connecting | connected | disconnected | expired | closed`. */
  readonly state: ZkClientState;
  /** The session id (hex) while there is a session (`connected`, `disconnected`), else undefined. */
  readonly sessionId: string | undefined;
  /** When the client entered this state (epoch ms). */
  readonly since: number;
  /** Sessions that expired so far in this client's life. */
  readonly expiries: number;
}

/** The status of `client` now that it is in `state`. */
function sessionStatus(client: ZkClient, state: ZkClientState, expiries: number): ZkSessionStatus {
  const sessionId =
    state === 'connected' || state === 'disconnected' ? client.sessionId : undefined;
  return { state, sessionId, since: Date.now(), expiries };
}

/**
 * The session as an observable: one status per client state change (the session id changes only
 * through `expired` → `connecting` → `connected`); replays the current status; completes when the
 * client closes.
 */
@Injectable()
export class ZkSessionStatuses {
  private readonly subject: BehaviorSubject<ZkSessionStatus>;
  readonly session$: Observable<ZkSessionStatus>;

  constructor(@Inject(ZK_CLIENT) client: ZkClient) {
    this.subject = new BehaviorSubject(sessionStatus(client, client.state, 0));
    this.session$ = this.subject.asObservable();
    client.subscribeState((state) => {
      const previous = this.subject.value;
      if (state !== previous.state) {
        const expiries = previous.expiries + (state === 'expired' ? 1 : 0);
        this.subject.next(sessionStatus(client, state, expiries));
      }
      if (state === 'closed') this.subject.complete();
    });
  }

  get current(): ZkSessionStatus {
    return this.subject.value;
  }
}
