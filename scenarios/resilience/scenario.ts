/** One claim of the issue checked by a scenario, with what was measured. */
export interface Bar {
  /** The claim, e.g. `back within session timeout + 1 s, 20/20 trials`. */
  claim: string;
  /** Whether the measurement meets it. */
  met: boolean;
  /** The measured figure the verdict rests on. */
  measured: string;
}

/** What a scenario hands back: its figures as markdown, and its bars. */
export interface ScenarioResult {
  /** Section title, e.g. `1-2. Session expiry and short partitions`. */
  title: string;
  /** Method and figures, as markdown (tables). */
  markdown: string;
  /** The claims this scenario checks. */
  bars: Bar[];
  /** `Zookeeper version:` of the server(s) the scenario started. */
  zookeeperVersion?: string;
}

/** Writes a progress line (to stderr: stdout carries the report). */
export type ProgressLog = (line: string) => void;

/** A scripted scenario: `npm run scenarios -- <name>`. */
export interface Scenario {
  name: string;
  /** What it covers, for `--help`. */
  summary: string;
  run(log: ProgressLog): Promise<ScenarioResult>;
}
