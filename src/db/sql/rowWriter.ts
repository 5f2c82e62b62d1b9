/**
 * SQL text written straight into UTF-8 bytes: the batch's multi-row statements without a string per row.
 *
 * Hand-written because it is the hot path. A row's tuple built as a string was a tree of some forty small strings
 * (each literal and comma joined to the last), then copied flat when written to the statement's bytes: about 2 MB of
 * short-lived strings per 1000 rows, and a 1000-row batch pays for what it allocates in young-generation collections
 * (docs/benchmarks.md, 2026-12-05 night). Here each value is written where it ends up, escapes included, and nothing
 * is allocated per row.
 *
 * The literals are stringLiteral's (literal.ts, the same escapes), and test/unit/rowWriter.test.ts holds the bytes to
 * the string forms, which the size checks (rowFit.ts) and an oversized reject (rejectTuple) still render.
 */
import { MAX_STATEMENT_BYTES, MAX_STATEMENT_ROWS, StatementTooLargeError } from './multiRowInsert';

const QUOTE = 0x27;
const COMMA = 0x2c;
const OPEN = 0x28;
const CLOSE = 0x29;

/** Bytes written one value at a time into a buffer that grows as needed. */
export class ByteSink {
  protected buf: Buffer;
  protected at = 0;

  constructor(initial: Buffer | number) {
    this.buf = typeof initial === 'number' ? Buffer.allocUnsafe(initial) : initial;
  }

  get length(): number {
    return this.at;
  }

  /** Text known to be ASCII: ids, NULL, digits, fixed SQL. */
  ascii(text: string): this {
    this.ensure(text.length);
    this.at += this.buf.write(text, this.at, 'latin1');
    return this;
  }

  /** SQL text as it is (already escaped literals, punctuation), as UTF-8. */
  sql(text: string): this {
    this.ensure(text.length * 3);
    this.at += this.buf.write(text, this.at, 'utf8');
    return this;
  }

  byte(b: number): this {
    this.ensure(1);
    this.buf[this.at++] = b;
    return this;
  }

  comma(): this {
    return this.byte(COMMA);
  }

  /**
   * `s` as a single-quoted string literal, with stringLiteral's escapes. The escapes are made in the bytes: `s` is
   * written as UTF-8 a little further on, then moved into place with a backslash before each backslash and quote and
   * NUL as `\0`. This is exact because UTF-8 never uses a byte below 0x80 inside a multi-byte character. It spares
   * the escaped copy of the string, which for the JSON of reject rows (full of `\"`) was most of their allocation.
   */
  str(s: string): this {
    // Most values hold none of the three: three native searches (memchr on one-byte strings) find that at a small
    // fraction of the cost of the counting loop, which was the batch's costliest function (docs/benchmarks.md,
    // 2026-12-06); the loop runs only for values that hold one.
    let specials = 0;
    if (s.indexOf('\\') !== -1 || s.indexOf("'") !== -1 || s.indexOf('\0') !== -1) {
      for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i);
        if (c === 0x5c || c === 0x27 || c === 0) specials++;
      }
    }
    // UTF-8 takes at most 3 bytes per UTF-16 unit; each special takes one more.
    this.ensure(s.length * 3 + specials + 2);
    const buf = this.buf;
    buf[this.at++] = QUOTE;
    if (specials === 0) {
      this.at += buf.write(s, this.at, 'utf8');
    } else {
      let from = this.at + specials;
      const end = from + buf.write(s, from, 'utf8');
      let to = this.at;
      for (; from < end; from++) {
        const b = buf[from];
        if (b === 0x5c || b === QUOTE) {
          buf[to++] = 0x5c;
          buf[to++] = b;
        } else if (b === 0) {
          buf[to++] = 0x5c;
          buf[to++] = 0x30;
        } else {
          buf[to++] = b;
        }
      }
      this.at = to;
    }
    buf[this.at++] = QUOTE;
    return this;
  }

  strOrNull(s: string | null | undefined): this {
    return s === null || s === undefined ? this.ascii('NULL') : this.str(s);
  }

  /** A copy of `source[start..end)`. */
  bytes(source: Buffer, start: number, end: number): this {
    this.ensure(end - start);
    this.at += source.copy(this.buf, this.at, start, end);
    return this;
  }

  /** The bytes written, as a view of the sink's buffer (valid until the next write). */
  view(): Buffer {
    return this.buf.subarray(0, this.at);
  }

  protected ensure(more: number): void {
    if (this.at + more <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.at + more, this.buf.length * 2));
    this.buf.copy(grown, 0, 0, this.at);
    this.buf = grown;
  }
}

/**
 * Where statements are written before their exact-size copies: handed to one writer at a time and given back by
 * finish(), so a batch allocates its statements' bytes once. A writer that throws simply keeps it, and the next one
 * starts a new buffer. One grown past MAX_STATEMENT_BYTES (a lone row larger than that) is not kept, so one huge row
 * does not leave the process holding a buffer of its size.
 */
let spare: Buffer | undefined;

function takeSpare(): Buffer {
  const b = spare ?? Buffer.allocUnsafe(64 * 1024);
  spare = undefined;
  return b;
}

/**
 * Rows of `head (...),(...) tail` statements, split so that each stays under a soft size (MAX_STATEMENT_BYTES) and
 * MAX_STATEMENT_ROWS rows, and never over the connection's limit (multiRowInsert.ts), on exact byte sizes.
 * Used from beginRow() to finish() without an await in between (the buffer is shared with the next writer).
 */
export class MultiRowWriter extends ByteSink {
  private readonly statements: Buffer[] = [];
  private readonly headBytes: number;
  private readonly tailBytes: number;
  private readonly soft: number;
  private rowStart = 0;
  private rows = 0;

  /** `head` and `tail` are ASCII; `limit` is statementLimit() of the connection the statements go to. */
  constructor(
    head: string,
    private readonly tail: string,
    private readonly limit = MAX_STATEMENT_BYTES,
    private readonly what = 'A row',
  ) {
    super(takeSpare());
    this.headBytes = head.length;
    this.tailBytes = tail.length;
    this.soft = Math.min(MAX_STATEMENT_BYTES, limit);
    this.ascii(head);
  }

  /** Opens a row: the comma that joins it to the one before, and its parenthesis. */
  beginRow(): this {
    this.rowStart = this.at;
    if (this.rows > 0) this.comma();
    return this.byte(OPEN);
  }

  /** Closes the row, and starts a new statement with it when it does not fit in the current one. */
  endRow(): void {
    this.byte(CLOSE);
    const joined = this.rows > 0 ? 1 : 0;
    const rowBytes = this.at - this.rowStart - joined;
    const alone = this.headBytes + rowBytes + this.tailBytes;
    if (alone > this.limit) throw new StatementTooLargeError(alone, this.limit, this.what);
    if (this.rows > 0 && (this.at + this.tailBytes > this.soft || this.rows >= MAX_STATEMENT_ROWS)) {
      this.emit(this.rowStart);
      // The row moves to the start of the next statement, without its comma.
      this.buf.copy(this.buf, this.headBytes, this.rowStart + joined, this.at);
      this.at = this.headBytes + rowBytes;
      this.rows = 1;
      return;
    }
    this.rows++;
  }

  /** The statements, as exact-size buffers; the writer is not used after this. */
  finish(): Buffer[] {
    if (this.rows > 0) this.emit(this.at);
    if (this.buf.length <= MAX_STATEMENT_BYTES) spare = this.buf;
    return this.statements;
  }

  /** head and rows up to `end`, then the tail, copied out: the next statement is written in the same buffer. */
  private emit(end: number): void {
    const out = Buffer.allocUnsafe(end + this.tailBytes);
    this.buf.copy(out, 0, 0, end);
    out.write(this.tail, end, 'latin1');
    this.statements.push(out);
  }
}
