/**
 * A `zk:` target a gRPC channel was given cannot be used: thrown by the channel's constructor
 * (`new Client(target, ...)`), naming the target, what is wrong and the form to use.
 */
export class InvalidZkTargetError extends TypeError {
  override name = 'InvalidZkTargetError';

  constructor(
    /** The target as the channel was given it. */
    readonly target: string,
    problem: string,
  ) {
    super(
      `Invalid gRPC target "${target}": ${problem}. Use zk:///services/hello/grpc (the ZooKeeper ` +
        'client given to registerZkResolver or ZkGrpcModule) or ' +
        'zk://10.0.0.1:2181,10.0.0.2:2181/services/hello/grpc (a client of its own).',
    );
  }
}
