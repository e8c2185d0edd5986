import type { TestProject } from 'vitest/node';
import { startTestZooKeeper } from '../lib/testing/index.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Connect string of the ZooKeeper shared by the whole run (`inject('zkConnect')`). */
    zkConnect: string;
  }
}

/**
 * Starts ONE ZooKeeper for the whole test run (or uses the one named by ZK_TEST_CONNECT) and
 * hands its connect string to the tests through `inject('zkConnect')`. Tests that restart,
 * kill or partition a server start their own with lib/testing.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const zookeeper = await startTestZooKeeper();
  project.provide('zkConnect', zookeeper.connectString);
  return () => zookeeper.stop();
}
