/**
 * The sync's position: the pair (src_updated_at, id) of the last row applied.
 * `at` is the database's own text 'YYYY-MM-DD HH:MM:SS.ffffff' and `id` a decimal string, so microseconds and
 * 64-bit ids survive the trip database -> activity -> workflow history -> activity -> database unchanged.
 * Never a JS Date: it keeps milliseconds only, and rows sharing a millisecond would be skipped or repeated.
 */
export interface Cursor {
  at: string;
  id: string;
}

/** Before every row: DATETIME's smallest value and an id no AUTO_INCREMENT row has. */
export const START_CURSOR: Cursor = Object.freeze({ at: '1000-01-01 00:00:00.000000', id: '0' });

const AT_PATTERN = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}$/;
const ID_PATTERN = /^(0|[1-9]\d{0,19})$/;

export function isCursor(value: unknown): value is Cursor {
  const c = value as Cursor;
  return typeof c === 'object' && c !== null && AT_PATTERN.test(c.at) && ID_PATTERN.test(c.id);
}

/** Orders cursors as the database orders (src_updated_at, id); text compare works because both parts are fixed-form. */
export function compareCursors(a: Cursor, b: Cursor): number {
  if (a.at !== b.at) return a.at < b.at ? -1 : 1;
  if (a.id.length !== b.id.length) return a.id.length < b.id.length ? -1 : 1;
  return a.id === b.id ? 0 : a.id < b.id ? -1 : 1;
}

export function cursorEquals(a: Cursor, b: Cursor): boolean {
  return a.at === b.at && a.id === b.id;
}

export function formatCursor(c: Cursor | null): string {
  return c && !cursorEquals(c, START_CURSOR) ? `(${c.at}, ${c.id})` : '(start)';
}

/** The cursor a (DATETIME(6), BIGINT) column pair holds, as the driver returns them (a BIGINT as number or text). */
export function cursorFromColumns(at: string, id: string | number): Cursor {
  return { at: normalizeDatetime6(at), id: String(id) };
}

/** The same for a pair that may be NULL (the watermark before its first batch, a product older than the sync). */
export function nullableCursorFromColumns(at: string | null, id: string | number | null): Cursor | null {
  return at !== null && id !== null ? cursorFromColumns(at, id) : null;
}

/** Pads a DATETIME(6) text that MySQL returned with fewer fractional digits (it never should, but be exact). */
export function normalizeDatetime6(value: string): string {
  if (AT_PATTERN.test(value)) return value; // what MySQL returns for DATETIME(6): per row read, so no splitting
  const [date, time = '00:00:00'] = value.split(' ');
  const [hms, frac = ''] = time.split('.');
  return `${date} ${hms}.${(frac + '000000').slice(0, 6)}`;
}
