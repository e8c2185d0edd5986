import type { LoggerService } from '@nestjs/common';

/** One line a Nest logger received, stamped with `performance.now()`. */
export interface LoggedLine {
  at: number;
  level: 'log' | 'warn' | 'error';
  message: string;
}

/**
 * A Nest `LoggerService` that keeps every line it gets (debug and verbose are dropped), each
 * message prefixed with `prefix` (to tell apps apart in one list).
 */
export function captureLogger(lines: LoggedLine[], prefix = ''): LoggerService {
  const keep = (level: LoggedLine['level']) => (message: unknown) =>
    lines.push({ at: performance.now(), level, message: `${prefix}${String(message)}` });
  return { log: keep('log'), warn: keep('warn'), error: keep('error') };
}

/** The lines logged from `since` on, times relative to it, folded in a markdown `<details>`. */
export function logDetails(lines: readonly LoggedLine[], since: number, summary: string): string {
  const shown = lines.filter((line) => line.at >= since);
  return [
    `<details><summary>${summary} (${shown.length})</summary>`,
    '',
    ...shown.map(
      (line) => `- ${((line.at - since) / 1000).toFixed(2)} s \`${line.level}\` ${line.message}`,
    ),
    '',
    '</details>',
  ].join('\n');
}
