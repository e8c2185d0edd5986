import { freePorts } from '../../lib/testing/index.js';
import { count, ms, ratio, table, verdict } from '../support/format.js';
import { LOAD, type LoadRun, medianRun, runLoadProcess } from '../support/load-runs.js';

const { concurrency: CONCURRENCY, warmupMs: WARMUP_MS, durationMs: DURATION_MS, runs: RUNS } = LOAD;
/** The throughput goal: the discovery client against the same client on fixed addresses. */
const GOAL = 0.95;

/** What the end-to-end case hands over: its ZooKeeper, its hello instances, how to start more. */
export interface ClientRowsContext {
  readonly servers: string;
  /** The URLs of the hello instances registered under /services/hello/abc. */
  readonly hellos: readonly string[];
  log(line: string): void;
  /** Starts `bench/e2e/<script>` (stopped with the case), resolving with the URL it serves. */
  start(script: string, args: string[]): Promise<string>;
}

/**
 * The integrations, each against the same client on fixed addresses: a `ZkClientProxy` against
 * Nest's `ClientTCP` per instance (three TCP math instances, sample/03), and undici's `fetch`
 * through a `ZkDispatcher` against the same `fetch` on a plain `Agent` (the hello instances).
 * The load generator is the client itself (closed loop, its own process), so the figures are the
 * client's: a call through discovery, retry and outlier ejection against a call by hand, taking
 * the same instances in turn.
 */
export async function clientRows(context: ClientRowsContext): Promise<string> {
  const { servers, hellos, log, start } = context;
  log('starting three TCP math instances (one process each)');
  const ports = await freePorts(3);
  const maths = await Promise.all(
    ports.map((port) => start('tcp-instance-process.js', [servers, String(port)])),
  );
  const pairs = [
    {
      kind: 'microservices',
      fixed: 'Nest `ClientTCP` per instance, in turn (fixed addresses)',
      discovery: '`ZkClientProxy` (nestjs-zk-discovery/microservices)',
      targets: maths,
    },
    {
      kind: 'fetch',
      fixed: "undici's `fetch` on an `Agent`, each instance's URL in turn (fixed addresses)",
      discovery: "undici's `fetch` through a `ZkDispatcher` (nestjs-zk-discovery/fetch)",
      targets: [...hellos],
    },
  ] as const;
  const runs = new Map<string, LoadRun[]>();
  for (let run = 1; run <= RUNS; run++) {
    for (const pair of pairs) {
      for (const mode of ['fixed', 'discovery'] as const) {
        log(`run ${run}/${RUNS}: ${pair.kind}, ${mode}`);
        const key = `${pair.kind}:${mode}`;
        runs.set(key, [
          ...(runs.get(key) ?? []),
          await load(pair.kind, mode, servers, pair.targets),
        ]);
      }
    }
  }
  const rows: string[][] = [];
  const verdicts: string[] = [];
  for (const pair of pairs) {
    const fixed = medianRun(runs.get(`${pair.kind}:fixed`)!);
    const discovery = medianRun(runs.get(`${pair.kind}:discovery`)!);
    for (const [label, s] of [
      [pair.fixed, fixed],
      [pair.discovery, discovery],
    ] as const) {
      rows.push([
        label,
        count(s.rps),
        ms(s.p99),
        ratio(s.rps / fixed.rps),
        ratio(s.p99 / fixed.p99),
        String(s.errors),
      ]);
    }
    const share = discovery.rps / fixed.rps;
    verdicts.push(
      `${pair.kind}: ${ratio(share)} of the fixed client's throughput (goal ≥ ${GOAL}×: ` +
        `${verdict(share >= GOAL)}), p99 ${ratio(discovery.p99 / fixed.p99)}`,
    );
  }
  return [
    `**The integrations' clients.** Each client is its own load generator (its own Node process, ` +
      `${CONCURRENCY} calls in flight, each worker calling again when the last answered), against ` +
      `three instances registered in ZooKeeper, taken in turn; ${RUNS} runs of ` +
      `${DURATION_MS / 1000} s per client (after ${WARMUP_MS / 1000} s of warm-up each), ` +
      'interleaved; medians of the runs. A microservice call is `send({ cmd: "sum" }, [1, 2, 3])` ' +
      'to sample/03-tcp-microservice; a fetch is `GET /hello` of sample/01-hello-service, its ' +
      'JSON body read.',
    '',
    table(['client', 'calls/s', 'p99 (ms)', 'throughput ÷ fixed', 'p99 ÷ fixed', 'errors'], rows),
    '',
    `Through discovery against the same client on fixed addresses: ${verdicts.join('; ')}.`,
  ].join('\n');
}

function load(
  kind: string,
  mode: string,
  servers: string,
  targets: readonly string[],
): Promise<LoadRun> {
  return runLoadProcess('client-load-process.js', [kind, mode, servers], targets);
}
