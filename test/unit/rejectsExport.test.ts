import type { RejectRecord } from '../../src/db/stores/rejectQueries';
import { csvField, csvHeader, csvRow, jsonRow } from '../../src/cli/format/rejectsExport';

const record: RejectRecord = {
  id: '7', staging_id: '42', brand_code: null, sku: 'a,"b"', reason_code: 'INVALID_PRICE', field: 'price',
  message: 'line 1\nline 2', src_updated_at: '2026-03-01 00:00:02.000000', created_at: '2026-12-03 09:00:00.000000',
  raw_row: '{"id":42,"sku":"a,\\"b\\"","price":"N/A"}',
};

describe('reject export (RFC 4180 CSV, JSON)', () => {
  it('quotes only fields that need it, doubling quotes; NULL is an empty field', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('x\r\ny')).toBe('"x\r\ny"');
    expect(csvField(' lead')).toBe('" lead"');
    expect(csvField('')).toBe('');
    expect(csvField(null)).toBe('');
  });

  it('has a header row and CRLF records in the documented column order', () => {
    expect(csvHeader()).toBe('staging_id,brand_code,sku,reason_code,field,message,src_updated_at,created_at,raw_row\r\n');
    expect(csvRow(record)).toBe(
      '42,,"a,""b""",INVALID_PRICE,price,"line 1\nline 2",2026-03-01 00:00:02.000000,2026-12-03 09:00:00.000000,' +
      '"{""id"":42,""sku"":""a,\\""b\\"""",""price"":""N/A""}"\r\n',
    );
  });

  it('JSON gives the same columns, raw_row as an object (as text when it is not JSON), and no internal id', () => {
    const o = JSON.parse(jsonRow(record)) as Record<string, unknown>;
    expect(Object.keys(o)).toEqual(['staging_id', 'brand_code', 'sku', 'reason_code', 'field', 'message', 'src_updated_at', 'created_at', 'raw_row']);
    expect(o.raw_row).toEqual({ id: 42, sku: 'a,"b"', price: 'N/A' });
    expect((JSON.parse(jsonRow({ ...record, raw_row: 'not json' })) as Record<string, unknown>).raw_row).toBe('not json');
  });
});
