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
