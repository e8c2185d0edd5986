import { existsSync, readFileSync, writeFileSync } from 'node:fs';

/**
 * BENCHMARKS.md is part generated, part written by hand. Each generated block sits between
 * `<!-- bench:<name> -->` and `<!-- /bench:<name> -->`; a run replaces only the blocks of the
 * benchmarks it ran and leaves everything else (the analysis) as it is. A block not in the file
 * yet is appended under its own heading.
 */
export function updateReport(
  file: string,
  blocks: readonly { name: string; title: string; markdown: string }[],
): void {
  let text = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  for (const block of blocks) {
    const start = `<!-- bench:${block.name} -->`;
    const end = `<!-- /bench:${block.name} -->`;
    const body = `${start}\n${block.markdown.trim()}\n${end}`;
    const from = text.indexOf(start);
    const to = text.indexOf(end);
    if (from >= 0 && to > from) {
      text = text.slice(0, from) + body + text.slice(to + end.length);
    } else {
      text = `${text.trimEnd()}\n\n## ${block.title}\n\n${body}\n`;
    }
  }
  writeFileSync(file, text.endsWith('\n') ? text : `${text}\n`);
}
