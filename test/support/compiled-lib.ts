import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';

/** The repository's root. */
export const repoRoot = join(import.meta.dirname, '..', '..');

/**
 * Compiles `lib/` (tsconfig.build.json) afresh into `outDir` (default `.build/<name>`) and returns
 * it, for tests that run the library in a child process (vitest compiles only in its own workers).
 * Each test file uses its own directory: files run in parallel.
 */
export function compileLib(outDir: string): string {
  rmSync(outDir, { recursive: true, force: true });
  execFileSync(
    process.execPath,
    [
      join(repoRoot, 'node_modules/typescript/bin/tsc'),
      '-p',
      'tsconfig.build.json',
      '--outDir',
      outDir,
    ],
    { cwd: repoRoot },
  );
  return outDir;
}
