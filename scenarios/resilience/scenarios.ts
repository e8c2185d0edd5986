import type { Scenario } from './scenario.js';
import { chaosTimeoutMs } from './support/chaos-settings.js';

/** One entry of {@link SCENARIOS}. */
export interface ScenarioEntry {
  name: string;
  summary: string;
  load(): Promise<Scenario>;
  /**
   * Only run when named (`npm run scenarios -- <name>`), not by `npm run scenarios` alone.
   * @default false
   */
  optIn?: boolean;
  /** How long run.ts lets it run before killing it. @default run.ts's SCENARIO_TIMEOUT_MS */
  timeoutMs?: () => number;
}

/** Every scenario, in the order; each module is loaded only when its scenario runs. */
export const SCENARIOS: readonly ScenarioEntry[] = [
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
  {
    name: 'whole-ensemble',
    summary: 'never stuck: all 3 ensemble members killed together and restarted together, 3 rounds',
    load: async () => (await import('./whole-ensemble.js')).wholeEnsembleScenario,
  },
  {
    name: 'rolling-upgrade',
    summary: 'never stuck: ensemble members restarted one by one under load, 2 rounds',
    load: async () => (await import('./rolling-upgrade.js')).rollingUpgradeScenario,
  },
  {
    name: 'wiped-server',
    summary:
      'never stuck: ZooKeeper restarted with an empty database under two apps and a consumer',
    load: async () => (await import('./wiped-server.js')).wipedServerScenario,
  },
  {
    name: 'paused-process',
    summary: 'never stuck: a registering process paused (SIGSTOP) past its session, 5 trials',
    load: async () => (await import('./paused-process.js')).pausedProcessScenario,
  },
  {
    name: 'failed-startup',
    summary: 'never stuck: a Nest app whose listen() fails closes its session and exits, 10 trials',
    load: async () => (await import('./failed-startup.js')).failedStartupScenario,
  },
  {
    name: 'chaos',
    summary:
      'opt-in: CHAOS_MINUTES (20) of seeded random faults (CHAOS_SEED) on an ensemble, 6 apps, 3 consumers, 100 req/s',
    load: async () => (await import('./chaos.js')).chaosScenario,
    optIn: true,
    timeoutMs: chaosTimeoutMs,
  },
];

/** The names, for messages. */
export const SCENARIO_NAMES = SCENARIOS.map((scenario) => scenario.name);
/** What `npm run scenarios` runs when no name is given: every scenario but the opt-in ones. */
export const DEFAULT_SCENARIO_NAMES = SCENARIOS.filter((scenario) => !scenario.optIn).map(
  (scenario) => scenario.name,
);
