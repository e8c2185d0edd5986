/** What stands between this process and one server. */
export type ZkServerProblem =
  /** The host name does not resolve (a typo, a missing DNS record). */
  | 'host-not-found'
  /** Nothing listens on that host and port (ZooKeeper not running, or another clientPort). */
  | 'connection-refused'
  /** Connection attempts get no answer (a firewall dropping packets, a host that is down). */
  | 'no-answer'
  /** The network has no route to the host. */
  | 'unreachable'
  /** It accepts connections but grants no session (no quorum yet, not a ZooKeeper server). */
  | 'no-session';

/** One server, checked by hand: `problem` is undefined when it granted a session. */
export interface ZkServerDiagnosis {
  /** `host:port`, as in the connect string. */
  readonly server: string;
  readonly problem: ZkServerProblem | undefined;
  /** What was seen, in words, e.g. `nohost.invalid does not resolve (ENOTFOUND)`. */
  readonly detail: string;
}
