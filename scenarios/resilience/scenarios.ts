import type { Scenario } from './scenario.js';

/** Every scenario, in the order; each module is loaded only when its scenario runs. */
export const SCENARIOS: readonly { name: string; summary: string; load(): Promise<Scenario> }[] = [
  {
    name: 'expiry',
    summary: '#1 session expiry (20 trials) and #2 short partitions, through a fault proxy',
    load: async () => (await import('./expiry.js')).expiryScenario,
  },
  {
    name: 'ensemble',
    summary: '#3 a 3-node ensemble: kill the connected server, then a second one, then restore',
    load: async () => (await import('./ensemble.js')).ensembleScenario,
  },
  {
    name: 'rolling-restart',
    summary: '#4 three hello processes restarted (SIGTERM) and killed (SIGKILL) under 200 req/s',
    load: async () => (await import('./rolling-restart.js')).rollingRestartScenario,
  },
  {
    name: 'zookeeper-down',
    summary: '#5 ZooKeeper down for 10 s under load: stale, shutdown, resync',
    load: async () => (await import('./zookeeper-down.js')).zookeeperDownScenario,
  },
  {
    name: 'soak',
    summary: '#9 10,000 register/deregister and 1,000 subscribe/unsubscribe cycles',
    load: async () => (await import('./soak.js')).soakScenario,
  },
];

/** The names, for messages. */
export const SCENARIO_NAMES = SCENARIOS.map((scenario) => scenario.name);
