import type { RejectRecord } from '../../db/stores/rejectQueries';

/** The export's columns, in order (README, "Rejects"). */
export const REJECT_EXPORT_COLUMNS = ['staging_id', 'brand_code', 'sku', 'reason_code', 'field', 'message', 'src_updated_at', 'created_at', 'raw_row'] as const;

/** RFC 4180: a field with a quote, comma, CR or LF (or leading/trailing blanks) is quoted, and its quotes doubled. */
export function csvField(value: string | null): string {
  if (value === null) return '';
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** One CSV record with its CRLF line break (RFC 4180). */
export const csvRecord = (fields: Array<string | null>): string => fields.map(csvField).join(',') + '\r\n';

export const csvHeader = (): string => csvRecord([...REJECT_EXPORT_COLUMNS]);

export const csvRow = (r: RejectRecord): string => csvRecord(REJECT_EXPORT_COLUMNS.map((c) => r[c]));

/** raw_row as the JSON value it holds (the staging row as read); kept as text if it is not JSON. */
function rawRowValue(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** One element of the JSON export's array: the same columns as the CSV, raw_row as an object. */
export const jsonRow = (r: RejectRecord): string =>
  JSON.stringify(Object.fromEntries(REJECT_EXPORT_COLUMNS.map((c) => [c, c === 'raw_row' ? rawRowValue(r.raw_row) : r[c]])));
