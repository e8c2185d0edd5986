/**
 * Where the library reports what it does: the client, the discovery core and the CLI take one of
 * these. Nest's `Logger` fits this shape.
 */
export interface ZkLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  debug?(message: string): void;
}

/** The default logger: warnings and errors to the console, prefixed `[context]`; nothing else. */
export function consoleLogger(context: string): ZkLogger {
  return {
    log: () => {},
    warn: (message) => console.warn(`[${context}] ${message}`),
    error: (message) => console.error(`[${context}] ${message}`),
  };
}

/** A logger that reports nothing. */
export const silentLogger: ZkLogger = Object.freeze({
  log: () => {},
  warn: () => {},
  error: () => {},
});
