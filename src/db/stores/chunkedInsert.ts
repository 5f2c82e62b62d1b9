/**
 * Multi-row INSERTs split so that one statement stays well under max_allowed_packet (16 MB by default on MariaDB,
 * 64 MB on MySQL 8) even when rows carry megabyte-sized JSON, and under a row cap that keeps statements quick to parse.
 */
export const MAX_STATEMENT_BYTES = 4 * 1024 * 1024;
export const MAX_STATEMENT_ROWS = 1000;

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
