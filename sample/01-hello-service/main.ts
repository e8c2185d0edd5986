import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { HelloModule } from './hello.module.js';

/**
 * Runs one hello instance: `ZK_SERVERS=127.0.0.1:2181 PORT=3001 node .build/sample/01-hello-service/main.js`
 * Optional: `ZK_SESSION_TIMEOUT_MS` (ZooKeeper session timeout) and `DRAIN_DELAY_MS` (how long it
 * keeps serving after deregistering on SIGTERM).
 */
async function main(): Promise<void> {
  const servers = process.env.ZK_SERVERS ?? '127.0.0.1:2181';
  const port = Number(process.env.PORT ?? 0);
  const app = await NestFactory.create(
    HelloModule.register({
      servers,
      instanceName: `hello-${process.pid}`,
      sessionTimeoutMs: numberFromEnv('ZK_SESSION_TIMEOUT_MS'),
      drainDelayMs: numberFromEnv('DRAIN_DELAY_MS'),
    }),
  );
  app.enableShutdownHooks();
  await app.listen(port, '127.0.0.1');
  console.log(`hello instance listening on ${await app.getUrl()}`);
}

/** The number in environment variable `name`, or undefined when it is not set. */
function numberFromEnv(name: string): number | undefined {
  const value = process.env[name];
  return value === undefined || value === '' ? undefined : Number(value);
}

void main();
