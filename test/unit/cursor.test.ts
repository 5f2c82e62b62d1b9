import { compareCursors, cursorFromColumns, nullableCursorFromColumns } from '../../src/domain/cursor';

describe('cursors read from a column pair', () => {
  test('keep six fractional digits and the id as decimal text, whatever the driver returned', () => {
    expect(cursorFromColumns('2026-01-02 03:04:05.5', 18446744073709551615n.toString())).toEqual({ at: '2026-01-02 03:04:05.500000', id: '18446744073709551615' });
    expect(cursorFromColumns('2026-01-02 03:04:05', 42)).toEqual({ at: '2026-01-02 03:04:05.000000', id: '42' });
  });

  test('are null when either column is NULL', () => {
    expect(nullableCursorFromColumns(null, null)).toBeNull();
    expect(nullableCursorFromColumns('2026-01-02 03:04:05.000001', null)).toBeNull();
    expect(nullableCursorFromColumns(null, '7')).toBeNull();
    expect(nullableCursorFromColumns('2026-01-02 03:04:05.000001', '7')).toEqual({ at: '2026-01-02 03:04:05.000001', id: '7' });
  });

  test('order as the database orders (src_updated_at, id), ids by numeric value', () => {
    expect(compareCursors(cursorFromColumns('2026-01-02 03:04:05', 9), cursorFromColumns('2026-01-02 03:04:05', 10))).toBeLessThan(0);
  });
});
