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

const COMMA = 0x2c;

/**
 * Where statements of up to MAX_STATEMENT_BYTES are written before their exact-size copy: grown to the largest such
 * statement yet and reused, so a batch allocates its statements' bytes once. A lone row over that size gets a buffer of
 * its own, so one huge row does not leave the process holding a buffer of its size.
 */
let scratch = Buffer.allocUnsafe(64 * 1024);

/**
 * `head`, `tuples[start..end)` joined by commas, and `tail`, as the statement's UTF-8 bytes. `bound` is at least their
 * byte length (the sizes multiRowStatements adds up are upper bounds).
 *
 * Written by hand, tuple by tuple, because this is the hot path: the text of a batch's statements is about half a
 * megabyte per 1000 rows, and joining it into one string first took five times as long (docs/benchmarks.md,
 * 2026-12-05). One character beyond Latin-1 anywhere in a batch makes the joined string two bytes per character, and
 * mysql2 then encodes all of it from UTF-16 and copies it again; written tuple by tuple, only the tuples holding such a
 * character take that path, and each tuple's text is copied once.
 */
function statementBytes(head: string, tuples: readonly string[], start: number, end: number, tail: string, bound: number): Buffer {
  const own = bound > MAX_STATEMENT_BYTES;
  if (!own && scratch.length < bound) scratch = Buffer.allocUnsafe(Math.min(MAX_STATEMENT_BYTES, Math.max(bound, scratch.length * 2)));
  const out = own ? Buffer.allocUnsafe(bound) : scratch;
  let at = out.write(head, 0, 'utf8');
  for (let i = start; i < end; i++) {
    if (i > start) out[at++] = COMMA;
    at += out.write(tuples[i], at, 'utf8');
  }
  at += out.write(tail, at, 'utf8');
  // The scratch is copied at the exact size: the statement waits in mysql2's queue while the next one is written there.
  return own ? out.subarray(0, at) : Buffer.from(out.subarray(0, at));
}

/**
 * `head` is everything before the tuples, `tail` what follows them (e.g. an ON DUPLICATE KEY UPDATE clause).
 * `limit` is statementLimit() of the connection the statements go to. A tuple that cannot fit even alone throws.
 * The statements come back as UTF-8 bytes, which execute.ts's send() passes to mysql2 as they are.
 */
export function multiRowStatements(head: string, tuples: readonly string[], tail = '', limit = MAX_STATEMENT_BYTES, what = 'A row'): Buffer[] {
  const fixed = Buffer.byteLength(head) + Buffer.byteLength(tail);
  const soft = Math.min(MAX_STATEMENT_BYTES, limit);
  const statements: Buffer[] = [];
  let start = 0;
  let bytes = fixed;
  for (let i = 0; i < tuples.length; i++) {
    // The tuple's bytes (or a bound on them) plus the comma that joins it to the next.
    let size = utf8Bytes(tuples[i], soft) + 1;
    if (fixed + size > soft) {
      const alone = fixed + Buffer.byteLength(tuples[i]);
      if (alone > limit) throw new StatementTooLargeError(alone, limit, what);
      size = alone - fixed + 1;
    }
    if (i > start && (bytes + size > soft || i - start >= MAX_STATEMENT_ROWS)) {
      statements.push(statementBytes(head, tuples, start, i, tail, bytes));
      start = i;
      bytes = fixed;
    }
    bytes += size;
  }
  if (start < tuples.length) statements.push(statementBytes(head, tuples, start, tuples.length, tail, bytes));
  return statements;
}
