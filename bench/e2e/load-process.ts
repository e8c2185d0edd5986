/**
 * A closed-loop HTTP load generator: `<url> <concurrency> <warmupMs> <durationMs>`. Each of
 * `concurrency` workers sends GET requests one after the other over a keep-alive connection of
 * its own; latencies of the requests that start after the warm-up and end before its end are
 * reported.
 */
import { Agent, request } from 'node:http';
import { tell } from './messages.js';

async function main(): Promise<void> {
  const [url, concurrencyText, warmupText, durationText] = process.argv.slice(2);
  const concurrency = Number(concurrencyText);
  const warmupMs = Number(warmupText);
  const durationMs = Number(durationText);
  if (!url || !(concurrency > 0) || !(warmupMs >= 0) || !(durationMs > 0)) {
    throw new Error('usage: load-process.js <url> <concurrency> <warmupMs> <durationMs>');
  }
  const target = new URL(url);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(target.hostname)) {
    throw new Error(`load generator refuses non-loopback target ${target.hostname}`);
  }
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const started = performance.now();
  const measureFrom = started + warmupMs;
  const measureTo = measureFrom + durationMs;
  const latencies: number[] = [];
  let errors = 0;
  const once = () =>
    new Promise<void>((resolve) => {
      const req = request(target, { agent, headers: { accept: 'application/json' } }, (res) => {
        if (res.statusCode !== 200) errors++;
        res.resume();
        res.on('end', resolve);
        res.on('error', () => {
          errors++;
          resolve();
        });
      });
      req.on('error', () => {
        errors++;
        resolve();
      });
      req.end();
    });
  const worker = async () => {
    while (performance.now() < measureTo) {
      const sent = performance.now();
      await once();
      const done = performance.now();
      if (sent >= measureFrom && done <= measureTo) latencies.push(done - sent);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  agent.destroy();
  await tell({
    type: 'result',
    requests: latencies.length,
    errors,
    seconds: durationMs / 1000,
    latenciesMs: latencies,
  });
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
