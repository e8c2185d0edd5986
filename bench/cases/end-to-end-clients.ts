import { type ChildProcess, fork } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePorts } from '../../lib/testing/index.js';
import { nextMessage } from '../support/child-processes.js';
import { count, ms, ratio, table, verdict } from '../support/format.js';
import { smoke } from '../support/smoke.js';
import { median, quantile } from '../support/stats.js';

const e2eDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'e2e');
const CONCURRENCY = 16;
const WARMUP_MS = smoke(1_500, 200);
const DURATION_MS = smoke(5_000, 500);
const RUNS = smoke(3, 1);
/** The throughput goal: the discovery client against the same client on fixed addresses. */
const GOAL = 0.95;

interface ClientRun {
  rps: number;
  p99: number;
  errors: number;
}

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
  const runs = new Map<string, ClientRun[]>();
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
    const fixed = summary(runs.get(`${pair.kind}:fixed`)!);
    const discovery = summary(runs.get(`${pair.kind}:discovery`)!);
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

function summary(runs: readonly ClientRun[]): ClientRun {
  return {
    rps: median(runs.map((r) => r.rps)),
    p99: median(runs.map((r) => r.p99)),
    errors: runs.reduce((sum, r) => sum + r.errors, 0),
  };
}

async function load(
  kind: string,
  mode: string,
  servers: string,
  targets: readonly string[],
): Promise<ClientRun> {
  const child: ChildProcess = fork(
    join(e2eDir, 'client-load-process.js'),
    [kind, mode, servers, String(CONCURRENCY), String(WARMUP_MS), String(DURATION_MS), ...targets],
    { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
  );
  const result = await nextMessage(child, 'result');
  const sorted = [...result.latenciesMs].sort((a, b) => a - b);
  return {
    rps: result.requests / result.seconds,
    p99: quantile(sorted, 0.99),
    errors: result.errors,
  };
}
