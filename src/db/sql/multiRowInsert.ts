/**
 * The size rules of the batch's multi-row statements (written by rowWriter.ts): each stays under a soft size (quick to
 * parse, modest memory) and never over the connection's max_allowed_packet, since a statement over it makes the
 * server drop the connection, so every later statement of the batch fails too, and the batch could never commit.
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
