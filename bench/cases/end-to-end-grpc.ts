import { freePorts } from '../../lib/testing/index.js';
import { count, ms, ratio, table, verdict } from '../support/format.js';
import { LOAD, type LoadRun, medianRun, runLoadProcess } from '../support/load-runs.js';

const { concurrency: CONCURRENCY, warmupMs: WARMUP_MS, durationMs: DURATION_MS, runs: RUNS } = LOAD;
/** The throughput goal: the zk: client against the same client on fixed addresses. */
const GOAL = 0.95;

/** What the end-to-end case hands over: its ZooKeeper, and how to start a process of its own. */
export interface GrpcRowsContext {
  readonly servers: string;
  log(line: string): void;
  /** Starts `bench/e2e/<script>` (stopped with the case), resolving with the URL it serves. */
  start(script: string, args: string[]): Promise<string>;
}

const MODES = [
  {
    mode: 'fixed',
    label: 'grpc-js, `ipv4:` target of the three addresses, `round_robin` (fixed addresses)',
  },
  {
    mode: 'zk-round-robin',
    label: "grpc-js, `zk:///services/greeter/grpc`, grpc-js's `round_robin`",
  },
  {
    mode: 'zk',
    label:
      'grpc-js, `zk:///services/greeter/grpc` as a channel gets it: `zk_discovery` (outlier ' +
      'ejection) and retry of UNAVAILABLE',
  },
] as const;

/**
 * Unary gRPC calls through a `zk:` target (nestjs-zk-discovery/grpc) against the same grpc-js
 * client on the same three instances by fixed addresses: three Nest gRPC Greeter instances
 * (sample/06-grpc) registered in ZooKeeper, the client its own load generator.
 */
export async function grpcRows(context: GrpcRowsContext): Promise<string> {
  const { servers, log, start } = context;
  log('starting three gRPC Greeter instances (one process each)');
  const ports = await freePorts(3);
  const greeters = await Promise.all(
    ports.map((port) => start('grpc-instance-process.js', [servers, String(port)])),
  );
  const runs = new Map<string, LoadRun[]>();
  for (let run = 1; run <= RUNS; run++) {
    for (const { mode } of MODES) {
      log(`run ${run}/${RUNS}: gRPC, ${mode}`);
      runs.set(mode, [...(runs.get(mode) ?? []), await load(mode, servers, greeters)]);
    }
  }
  const fixed = medianRun(runs.get('fixed')!);
  const rows = MODES.map(({ mode, label }) => {
    const s = medianRun(runs.get(mode)!);
    return [
      label,
      count(s.rps),
      ms(s.p50),
      ms(s.p99),
      ratio(s.rps / fixed.rps),
      ratio(s.p99 / fixed.p99),
      String(s.errors),
    ];
  });
  const zk = medianRun(runs.get('zk')!);
  const share = zk.rps / fixed.rps;
  return [
    `**gRPC.** A grpc-js Greeter client is its own load generator (its own Node process, ` +
      `${CONCURRENCY} unary calls in flight, each worker calling again when the last answered), ` +
      'against three Nest gRPC instances (sample/06-grpc) registered in ZooKeeper; every ' +
      `connection open before the warm-up; ${RUNS} runs of ${DURATION_MS / 1000} s per client ` +
      `(after ${WARMUP_MS / 1000} s of warm-up each), interleaved; medians of the runs.`,
    '',
    table(
      ['client', 'calls/s', 'p50 (ms)', 'p99 (ms)', 'throughput ÷ fixed', 'p99 ÷ fixed', 'errors'],
      rows,
    ),
    '',
    `Through \`zk:\` with our policy against the same client on fixed addresses: ${ratio(share)} ` +
      `of its throughput (goal ≥ ${GOAL}×: ${verdict(share >= GOAL)}), p99 ` +
      `${ratio(zk.p99 / fixed.p99)}.`,
  ].join('\n');
}

function load(mode: string, servers: string, targets: readonly string[]): Promise<LoadRun> {
  return runLoadProcess('grpc-load-process.js', [mode, servers], targets);
}
