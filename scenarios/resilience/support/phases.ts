/**
 * Named time spans of a scenario (`performance.now()` stamps), so events recorded with a time can
 * be attributed to the phase they happened in.
 */
export class Phases {
  private readonly marks: { name: string; at: number }[] = [];

  /** Starts phase `name` now (ending the previous one); returns its start time. */
  begin(name: string): number {
    const at = performance.now();
    this.marks.push({ name, at });
    return at;
  }

  /** The phase running at time `at`, or undefined before the first. */
  at(at: number): string | undefined {
    let current: string | undefined;
    for (const mark of this.marks) if (mark.at <= at) current = mark.name;
    return current;
  }

  /** The phase names, in order. */
  get names(): string[] {
    return this.marks.map((mark) => mark.name);
  }
}
