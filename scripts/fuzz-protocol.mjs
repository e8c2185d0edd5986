#!/usr/bin/env node
// Fuzzes what our protocol client reads (lib/client/protocol) for as long as you like: random and
// mutated ZooKeeper frames through FrameDecoder and the record readers, each of which must decode
// or throw ZkProtocolError. `npm test` runs 100,000 cases of one fixed seed
// (test/client/protocol/frame-fuzz.test.ts); this runs more, of any seed, with the same code
// (test/support/protocol-fuzz.ts).
//
//   npm run fuzz                                   # 1,000,000 cases of a random seed
//   npm run fuzz -- --cases 5000000 --seed 42
//   npm run fuzz -- --seed 42 --case 123456        # replays one case: its bytes and what happened
//
// `npm run fuzz` first compiles the project into .build/ (tsc -p tsconfig.json), as bench does.
// Exit code 0 when no case broke the invariant; each failure is printed with its seed, index,
// bytes (hex) and the command that replays it.

import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    cases: { type: 'string', default: '1000000' },
    seed: { type: 'string' },
    first: { type: 'string', default: '0' },
    case: { type: 'string' },
  },
});

/** A non-negative integer option (decimal or 0x hex), or exit with a message. */
function integer(name, text) {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 0) {
    console.error(`fuzz: --${name} must be a non-negative integer, not ${JSON.stringify(text)}`);
    process.exit(2);
  }
  return value;
}

const built = new URL('../.build/test/support/protocol-fuzz.js', import.meta.url);
let fuzzer;
try {
  fuzzer = await import(built.href);
} catch (error) {
  console.error(`fuzz: cannot load ${built.pathname} (${error.message}); run \`npm run fuzz\`,`);
  console.error('which compiles it first (tsc -p tsconfig.json).');
  process.exit(2);
}
const { fuzz, generateCase, runCase } = fuzzer;

const seed =
  values.seed === undefined
    ? Math.floor(Math.random() * 0x100000000)
    : integer('seed', values.seed) % 0x100000000;

if (values.case !== undefined) {
  const fuzzCase = generateCase(seed, integer('case', values.case));
  const result = runCase(fuzzCase);
  console.log(`fuzz: case ${fuzzCase.index} of seed ${seed}: ${fuzzCase.origin}`);
  console.log(
    `  read as: ${fuzzCase.readAs.join(', ')}; arrives in pieces of ${fuzzCase.chunks.join(', ')} bytes`,
  );
  console.log(`  bytes (${fuzzCase.stream.length}): ${fuzzCase.stream.toString('hex')}`);
  console.log(
    `  ${result.failure ? `FAILED: ${result.failure}` : `${result.outcome}, ${result.frames} frames`}`,
  );
  process.exit(result.failure ? 1 : 0);
}

const cases = integer('cases', values.cases);
const first = integer('first', values.first);
console.log(`fuzz: ${cases.toLocaleString('en')} cases of seed ${seed} from case ${first}`);
const started = performance.now();
const summary = fuzz({
  seed,
  cases,
  first,
  maxFailures: 20,
  progressEvery: 1_000_000,
  onProgress: (done) => {
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `fuzz: ${done.toLocaleString('en')} cases in ${seconds.toFixed(0)} s ` +
        `(${Math.round(done / seconds).toLocaleString('en')} a second)`,
    );
  },
});
const seconds = summary.elapsedMs / 1000;
console.log(
  `fuzz: ${cases.toLocaleString('en')} cases in ${seconds.toFixed(1)} s ` +
    `(${Math.round(cases / seconds).toLocaleString('en')} a second); slowest case ` +
    `${summary.slowestCaseMs.toFixed(1)} ms`,
);
console.log(`fuzz: endings ${JSON.stringify(summary.outcomes)}`);
if (summary.failed === 0) {
  console.log('fuzz: every case decoded or threw ZkProtocolError');
} else {
  console.log(
    `fuzz: ${summary.failed} cases broke the invariant; the first ${summary.failures.length}:`,
  );
  for (const failure of summary.failures) console.log(JSON.stringify(failure, null, 2));
}
process.exitCode = summary.failed === 0 ? 0 : 1;
