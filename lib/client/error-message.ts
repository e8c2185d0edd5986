/** What a log line or an error says of `error`: its message (its name when it has none). */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message || error.name : String(error);
}
