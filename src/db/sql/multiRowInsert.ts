/**
 * Multi-row statements split so that each stays under a soft size (quick to parse, modest memory) and never over
 * the connection's max_allowed_packet: a statement over it makes the server drop the connection, so every later
 * statement of the batch fails too, and the batch could never commit. Rows come in already rendered as `(v1, ...)`.
 */
export const MAX_STATEMENT_BYTES = 4 * 1024 * 1024;
export const MAX_STATEMENT_ROWS = 1000;

/**
 * The most bytes of SQL text one statement may have on a connection: the packet also carries the command byte, and
 * a little room is left so that an off-by-one anywhere cannot reach the limit.
 */
export function statementLimit(maxAllowedPacket: number): number {
  return maxAllowedPacket - 64;
}

/** A statement that would be over the connection's limit: a bug in the caller's size check, never sent. */
export class StatementTooLargeError extends Error {
  readonly code = 'PRODUCT_ETL_STATEMENT_TOO_LARGE';
  constructor(
    readonly bytes: number,
    readonly limit: number,
    what: string,
  ) {
    super(`${what} would be a statement of ${bytes} bytes, over the connection's limit of ${limit} bytes (max_allowed_packet); it was not sent.`);
    this.name = 'StatementTooLargeError';
  }
}

/** Whether `head + tuple + tail` is a statement this connection takes: the rule every size check here shares. */
export function fitsAlone(head: string, tuple: string, tail: string, limit: number): boolean {
  const fixed = head.length + tail.length; // heads and tails are ASCII
  return fixed + tuple.length * 3 <= limit || fixed + Buffer.byteLength(tuple) <= limit;
}

/** UTF-16 length times 3 bounds the UTF-8 byte length; the exact length is computed only when the bound is too big. */
export function utf8Bytes(s: string, budget: number): number {
  const bound = s.length * 3;
  return bound <= budget ? bound : Buffer.byteLength(s, 'utf8');
}

/**
 * `head` is everything before the tuples, `tail` what follows them (e.g. an ON DUPLICATE KEY UPDATE clause).
 * `limit` is statementLimit() of the connection the statements go to. A tuple that cannot fit even alone throws.
 */
export function multiRowStatements(head: string, tuples: readonly string[], tail = '', limit = MAX_STATEMENT_BYTES, what = 'A row'): string[] {
  const fixed = Buffer.byteLength(head) + Buffer.byteLength(tail);
  const soft = Math.min(MAX_STATEMENT_BYTES, limit);
  const statements: string[] = [];
  let start = 0;
  let bytes = fixed;
  for (let i = 0; i < tuples.length; i++) {
    // The tuple's bytes plus the comma that joins it to the next.
    let size = utf8Bytes(tuples[i], soft) + 1;
    if (fixed + size > soft) {
      const alone = fixed + Buffer.byteLength(tuples[i]);
      if (alone > limit) throw new StatementTooLargeError(alone, limit, what);
      size = alone - fixed + 1;
    }
    if (i > start && (bytes + size > soft || i - start >= MAX_STATEMENT_ROWS)) {
      statements.push(head + tuples.slice(start, i).join(',') + tail);
      start = i;
      bytes = fixed;
    }
    bytes += size;
  }
  if (start < tuples.length) statements.push(head + tuples.slice(start).join(',') + tail);
  return statements;
}
