import { MAX_STATEMENT_BYTES, MAX_STATEMENT_ROWS } from '../sql/multiRowInsert';

export { MAX_STATEMENT_ROWS };

/**
 * Multi-row INSERTs through knex, split by the same limits as the sync's hand-built statements (src/db/sql): for the
 * seeding tools, where knex's convenience matters more than its compile time.
 */

function approxBytes(row: Record<string, unknown>): number {
  let n = 16;
  for (const v of Object.values(row)) n += typeof v === 'string' ? Buffer.byteLength(v) * 2 + 4 : 24; // escaping may double
  return n;
}

export async function insertInChunks<T extends Record<string, unknown>>(
  rows: readonly T[],
  write: (chunk: T[]) => PromiseLike<unknown>,
): Promise<void> {
  let chunk: T[] = [];
  let bytes = 0;
  for (const row of rows) {
    const size = approxBytes(row);
    if (chunk.length > 0 && (bytes + size > MAX_STATEMENT_BYTES || chunk.length >= MAX_STATEMENT_ROWS)) {
      await write(chunk);
      chunk = [];
      bytes = 0;
    }
    chunk.push(row);
    bytes += size;
  }
  if (chunk.length > 0) await write(chunk);
}
