/**
 * A closed-loop HTTP load generator: `<url> <concurrency> <warmupMs> <durationMs>`. Each of
 * `concurrency` workers sends GET requests one after the other over a keep-alive connection of
 * its own; latencies of the requests that start after the warm-up and end before its end are
 * reported.
 */
import { Agent, request } from 'node:http';
import { closedLoop, reportLoad, runLoadGenerator } from './closed-loop.js';

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
  let failed = 0;
  const once = () =>
    new Promise<void>((resolve) => {
      const req = request(target, { agent, headers: { accept: 'application/json' } }, (res) => {
        if (res.statusCode !== 200) failed++;
        res.resume();
        res.on('end', resolve);
        res.on('error', () => {
          failed++;
          resolve();
        });
      });
      req.on('error', () => {
        failed++;
        resolve();
      });
      req.end();
    });
  const { latencies, errors } = await closedLoop(once, { concurrency, warmupMs, durationMs });
  agent.destroy();
  await reportLoad(latencies, errors + failed, durationMs);
}

runLoadGenerator(main);
