import { idLiteral, nullableString, stringLiteral } from '../../src/db/sql/literal';
import { MAX_STATEMENT_BYTES, MAX_STATEMENT_ROWS, statementLimit, StatementTooLargeError } from '../../src/db/sql/multiRowInsert';
import { MultiRowWriter } from '../../src/db/sql/rowWriter';

/** Rows given as `(...)` text, through the writer the stores use: each row's SQL written into the statement's bytes. */
function statementBytes(head: string, tuples: readonly string[], tail = '', limit = MAX_STATEMENT_BYTES): Buffer[] {
  const w = new MultiRowWriter(head, tail, limit);
  for (const t of tuples) {
    w.beginRow();
    w.sql(t.slice(1, -1));
    w.endRow();
  }
  return w.finish();
}

/** The statements as text: they come as UTF-8 bytes, which must decode to exactly the text they stand for. */
const multiRowStatements = (...args: Parameters<typeof statementBytes>): string[] =>
  statementBytes(...args).map((b) => {
    const text = b.toString('utf8');
    expect(Buffer.from(text, 'utf8').equals(b)).toBe(true);
    return text;
  });

describe('stringLiteral', () => {
  it.each([
    ['', "''"],
    ['plain', "'plain'"],
    ['{"a":"b"}', `'{"a":"b"}'`],
    ["O'Brien", "'O\\'Brien'"],
    ['back\\slash', "'back\\\\slash'"],
    ['nul\0byte', "'nul\\0byte'"],
    ["'\\\0'", "'\\'\\\\\\0\\''"],
    ['tab\tnew\nline\r', "'tab\tnew\nline\r'"],
    ['中文 😀 ０', "'中文 😀 ０'"],
  ])('%j → %s', (input, expected) => {
    expect(stringLiteral(input)).toBe(expected);
  });

  it('escapes every occurrence, not the first only', () => {
    expect(stringLiteral("a'b'c\\d\\e")).toBe("'a\\'b\\'c\\\\d\\\\e'");
  });

  it('writes NULL for null and undefined', () => {
    expect(nullableString(null)).toBe('NULL');
    expect(nullableString(undefined)).toBe('NULL');
    expect(nullableString("x'")).toBe("'x\\''");
  });
});

describe('idLiteral', () => {
  it('accepts unsigned decimal ids up to 20 digits', () => {
    expect(idLiteral('0')).toBe('0');
    expect(idLiteral('18446744073709551615')).toBe('18446744073709551615');
  });

  it.each(['', '-1', '1.5', '1e3', "1'; DROP TABLE products; --", '123456789012345678901', ' 1'])('refuses %j', (id) => {
    expect(() => idLiteral(id)).toThrow(/not an unsigned integer id/);
  });
});

describe('multi-row statements (MultiRowWriter)', () => {
  it('writes each tuple\'s UTF-8 bytes exactly, whatever the characters and however the tuples were built', () => {
    const pieces = ['plain', "O\\'Brien", '中文', '😀 surrogate pair', 'é ß ０', '\t\n', 'x'.repeat(1500), 'y'.repeat(1500)];
    // Built by concatenation, as the stores build them (V8 keeps such strings as ropes until they are flattened).
    const tuples = pieces.map((p, i) => '(' + String(i) + ",'" + p + "'," + "'" + [...p].reverse().join('') + "')");
    expect(statementBytes('I ', tuples).map(String)).toEqual(['I ' + tuples.join(',')]);
    expect(Buffer.concat(statementBytes('I ', tuples)).equals(Buffer.from('I ' + tuples.join(','), 'utf8'))).toBe(true);
    // Split under a small limit: every statement decodes to its own text (checked by the wrapper), in order.
    const head = 'INSERT INTO t VALUES ';
    const tail = ' ON DUPLICATE KEY UPDATE a = VALUES(a)';
    const split = multiRowStatements(head, tuples, tail, statementLimit(4 * 1024));
    expect(split.length).toBeGreaterThan(1);
    expect(split.map((s) => s.slice(head.length, -tail.length)).join(',')).toBe(tuples.join(','));
  });

  it('does not let a later statement overwrite an earlier one', () => {
    const first = statementBytes('I ', ['(1)', '(2)']);
    const second = statementBytes('J ', ['(' + 'z'.repeat(100_000) + ')']);
    expect(first.map(String)).toEqual(['I (1),(2)']);
    expect(second[0].length).toBe(100_004);
  });

  it('writes nothing for no rows', () => {
    expect(multiRowStatements('INSERT INTO t VALUES ', [])).toEqual([]);
  });

  it('joins rows into one statement with head and tail', () => {
    expect(multiRowStatements('INSERT INTO t VALUES ', ['(1)', '(2)'], ' ON DUPLICATE KEY UPDATE a = VALUES(a)')).toEqual([
      'INSERT INTO t VALUES (1),(2) ON DUPLICATE KEY UPDATE a = VALUES(a)',
    ]);
  });

  it('caps the rows per statement and keeps their order', () => {
    const tuples = Array.from({ length: MAX_STATEMENT_ROWS * 2 + 1 }, (_, i) => `(${i})`);
    const statements = multiRowStatements('I ', tuples);
    expect(statements).toHaveLength(3);
    expect(statements.map((s) => s.slice(2).split(',')).flat()).toEqual(tuples);
  });

  it('caps the bytes per statement, counting multi-byte characters, and gives an oversized row a statement of its own', () => {
    const big = '(' + '中'.repeat(MAX_STATEMENT_BYTES / 6) + ')';
    const huge = '(' + 'x'.repeat(MAX_STATEMENT_BYTES) + ')';
    const statements = multiRowStatements('I ', ['(1)', big, big, huge, '(2)'], '', 16 * 1024 * 1024);
    expect(statements).toEqual(['I (1),' + big, 'I ' + big, 'I ' + huge, 'I (2)']);
    for (const s of statements.slice(0, 2)) expect(Buffer.byteLength(s)).toBeLessThanOrEqual(MAX_STATEMENT_BYTES);
  });

  it('never builds a statement over the connection limit: splits under it, and refuses a row that cannot fit alone', () => {
    const limit = statementLimit(1024);
    const row = (n: number) => '(' + 'é'.repeat(n) + ')';
    const tuples = [row(100), row(200), row(300), row(100)];
    const statements = multiRowStatements('INSERT INTO t VALUES ', tuples, ' ON DUPLICATE KEY UPDATE a = VALUES(a)', limit);
    expect(statements.map((s) => s.slice(21, s.indexOf(' ON')).split(',')).flat()).toEqual(tuples);
    for (const s of statements) expect(Buffer.byteLength(s)).toBeLessThanOrEqual(limit);
    for (const b of statementBytes('INSERT INTO t VALUES ', tuples, ' ON DUPLICATE KEY UPDATE a = VALUES(a)', limit)) expect(b.length).toBeLessThanOrEqual(limit);
    // Just under and just over: 'é' is 2 bytes, so the exact byte size decides, not the 3-per-unit estimate.
    const fixed = 'I '.length;
    const justFits = '(' + 'é'.repeat((limit - fixed - 2) / 2) + ')';
    expect(Buffer.byteLength('I ' + justFits)).toBe(limit);
    expect(multiRowStatements('I ', [justFits], '', limit)).toEqual(['I ' + justFits]);
    expect(() => multiRowStatements('I ', [justFits + 'x'], '', limit)).toThrow(StatementTooLargeError);
  });
});
