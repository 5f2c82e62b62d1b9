/**
 * Multi-row INSERT statements split so that each stays well under max_allowed_packet (16 MB by default on
 * MariaDB, 64 MB on MySQL 8) even when rows carry megabyte-sized JSON, and under a row cap that keeps statements
 * quick to parse. Rows come in already rendered as `(v1, v2, ...)` tuples.
 */
export const MAX_STATEMENT_BYTES = 4 * 1024 * 1024;
export const MAX_STATEMENT_ROWS = 1000;

/** `head` is everything before the tuples, `tail` what follows them (e.g. an ON DUPLICATE KEY UPDATE clause). */
export function multiRowStatements(head: string, tuples: readonly string[], tail = ''): string[] {
  const statements: string[] = [];
  let start = 0;
  let bytes = 0;
  for (let i = 0; i < tuples.length; i++) {
    // UTF-16 length times 3 bounds the UTF-8 byte length without encoding the string.
    const size = tuples[i].length * 3 + 2;
    if (i > start && (bytes + size > MAX_STATEMENT_BYTES || i - start >= MAX_STATEMENT_ROWS)) {
      statements.push(head + tuples.slice(start, i).join(',') + tail);
      start = i;
      bytes = 0;
    }
    bytes += size;
  }
  if (start < tuples.length) statements.push(head + tuples.slice(start).join(',') + tail);
  return statements;
}
