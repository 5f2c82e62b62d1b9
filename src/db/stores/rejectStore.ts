import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import type { RejectEntry } from '../../domain/applyPlan';
import type { StagingRow } from '../../domain/types';
import { send } from '../sql/execute';
import { idLiteral, nullableString, stringLiteral } from '../sql/literal';
import { fitsAlone, MAX_STATEMENT_BYTES, StatementTooLargeError } from '../sql/multiRowInsert';
import { MultiRowWriter } from '../sql/rowWriter';
import { RunIdentity, runTail, runValues } from './changeLogStore';
import { REJECT_TABLE } from '../tables';

export const REJECT_HEAD = `INSERT INTO ${REJECT_TABLE} (staging_id, brand_code, sku, reason_code, field, message, raw_row, src_updated_at, workflow_id, run_id) VALUES `;
/**
 * A reject already recorded for the same staging row version and reason (unique key uq_reject_row_version_reason) is
 * kept as it is, so re-reads (a lookback, --no-resume) add nothing (spec section 5, amended 2026-12-02). A no-op
 * update rather than INSERT IGNORE, which would also swallow every other error (a value too long, a bad datetime).
 */
export const REJECT_TAIL = ' ON DUPLICATE KEY UPDATE id = id';

/** The key under which a cut raw row says what was cut: each cut field's full size and SHA-256 (docs/operations.md). */
export const TRUNCATED_KEY = '_truncated';
/** A message is cut to this many characters only when the row cannot be recorded otherwise. */
const SHORT_MESSAGE = 200;

function tuple(r: RejectEntry, message: string, rawRowJson: string, runLiterals: string): string {
  return (
    '(' + idLiteral(r.staging_id) +
    ',' + nullableString(r.brand_code) +
    ',' + nullableString(r.sku) +
    ',' + stringLiteral(r.reason_code) +
    ',' + stringLiteral(r.field) +
    ',' + stringLiteral(message) +
    ',' + stringLiteral(rawRowJson) +
    ',' + stringLiteral(r.src_updated_at) +
    runLiterals
  );
}

const fits = (t: string, limit: number) => fitsAlone(REJECT_HEAD, t, REJECT_TAIL, limit);

/** Cuts a string to at most n UTF-16 units without splitting a surrogate pair. */
function cut(s: string, n: number): string {
  if (s.length <= n) return s;
  const code = s.charCodeAt(n - 1);
  return s.slice(0, code >= 0xd800 && code <= 0xdbff ? n - 1 : n);
}

/** Bytes a character adds inside a JSON string that is then escaped for SQL (JSON.stringify's escapes, then `\` and `'`). */
function escapedCost(code: number, next: number): number {
  if (code === 0x22) return 3; // "  -> \"  -> \\"
  if (code === 0x5c) return 4; // \  -> \\ -> \\\\
  if (code === 0x27) return 2; // '  -> \'
  if (code === 0x08 || code === 0x09 || code === 0x0a || code === 0x0c || code === 0x0d) return 3;
  if (code < 0x20) return 7; // \u00XX with its backslash escaped
  if (code < 0x80) return 1;
  if (code < 0x800) return 2;
  if (code >= 0xd800 && code <= 0xdbff) return next >= 0xdc00 && next <= 0xdfff ? 4 : 7;
  if (code >= 0xdc00 && code <= 0xdfff) return 7; // a lone low surrogate (a pair's low half is counted with its high one)
  return 3;
}

/** The longest prefix of `value` (never splitting a surrogate pair) whose escaped bytes stay within `budget`. */
function longestPrefixWithin(value: string, budget: number): number {
  let used = 0;
  let i = 0;
  while (i < value.length) {
    const code = value.charCodeAt(i);
    const next = i + 1 < value.length ? value.charCodeAt(i + 1) : 0;
    const pair = code >= 0xd800 && code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff;
    const cost = escapedCost(code, next);
    if (used + cost > budget) break;
    used += cost;
    i += pair ? 2 : 1;
  }
  return i;
}

/** Fields that identify the row are never cut. */
const KEEP_WHOLE = new Set(['id', 'src_updated_at']);

interface CutField {
  chars: number;
  utf8_bytes: number;
  sha256: string;
}

/** What the cut copy says of a field: computed once per field, however often the bisection cuts it. */
function describer(row: StagingRow): (field: string) => CutField {
  const cache = new Map<string, CutField>();
  return (field) => {
    let d = cache.get(field);
    if (!d) {
      const value = (row as unknown as Record<string, string>)[field];
      d = { chars: value.length, utf8_bytes: Buffer.byteLength(value), sha256: createHash('sha256').update(value).digest('hex') };
      cache.set(field, d);
    }
    return d;
  };
}

/** The raw row with the given fields cut to their first n characters, saying what was cut. */
function truncatedRawRow(row: StagingRow, fields: readonly string[], n: number, describe: (field: string) => CutField): string {
  const out: Record<string, unknown> = { ...row };
  const truncated: Record<string, CutField> = {};
  for (const field of fields) {
    const value = (row as unknown as Record<string, string>)[field];
    if (value.length <= n) continue;
    out[field] = cut(value, n);
    truncated[field] = describe(field);
  }
  out[TRUNCATED_KEY] = truncated;
  return JSON.stringify(out);
}

/**
 * The reject's tuple, whole when it fits in one statement on this connection. Otherwise the raw row's longest field
 * is cut to the longest prefix that fits (found by bisection, which only such rare rows pay for); if cutting it to
 * nothing is not enough, the next longest is cut too, and so on; as a last resort the message is shortened as well.
 * A reject is never dropped: when not even that fits, the batch fails with a message that says to raise
 * max_allowed_packet.
 */
export function rejectTuple(r: RejectEntry, run: RunIdentity, limit: number): string {
  const runLiterals = runTail(run);
  // JSON.stringify, not stable JSON: the raw row is kept as read, key order of the table.
  const whole = tuple(r, r.message, JSON.stringify(r.raw_row), runLiterals);
  if (fits(whole, limit)) return whole;
  const longestFirst = Object.entries(r.raw_row)
    .filter((e): e is [string, string] => typeof e[1] === 'string' && !KEEP_WHOLE.has(e[0]))
    .sort((a, b) => b[1].length - a[1].length)
    .map(([field]) => field);
  const describe = describer(r.raw_row);
  for (const message of [r.message, r.message.slice(0, SHORT_MESSAGE)]) {
    for (let k = 1; k <= longestFirst.length; k++) {
      const fields = longestFirst.slice(0, k);
      const attempt = (n: number) => tuple(r, message, truncatedRawRow(r.raw_row, fields, n, describe), runLiterals);
      if (!fits(attempt(0), limit)) continue;
      if (k === 1) {
        // One pass over the field instead of rendering it at every step of a bisection (each render of megabytes of
        // backslashes costs most of a second); the render is still checked, and bisection remains the fallback.
        const value = (r.raw_row as unknown as Record<string, string>)[fields[0]];
        const n = longestPrefixWithin(value, limit - REJECT_HEAD.length - REJECT_TAIL.length - Buffer.byteLength(attempt(0)));
        const candidate = attempt(n);
        if (fits(candidate, limit)) return candidate;
      }
      let lo = 0;
      let hi = (r.raw_row as unknown as Record<string, string>)[fields[0]].length;
      while (lo < hi) {
        const mid = Math.ceil((lo + hi) / 2);
        if (fits(attempt(mid), limit)) lo = mid;
        else hi = mid - 1;
      }
      return attempt(lo);
    }
  }
  const smallest = tuple(r, r.message.slice(0, SHORT_MESSAGE), truncatedRawRow(r.raw_row, longestFirst, 0, describe), runLiterals);
  throw new StatementTooLargeError(REJECT_HEAD.length + REJECT_TAIL.length + Buffer.byteLength(smallest), limit, `The reject of staging row ${r.staging_id}, even with its raw row cut,`);
}

/**
 * The batch's reject rows as statements. A row is written straight into the statement's bytes (rowWriter.ts) when a
 * bound on its size, 3 bytes per UTF-16 unit (an escaped ASCII character takes 2), shows it fits this connection; a
 * row that may not fit goes through rejectTuple, which cuts its raw row until it does.
 */
export function rejectStatements(rejects: readonly RejectEntry[], run: RunIdentity, limit: number): Buffer[] {
  const out = new MultiRowWriter(REJECT_HEAD, REJECT_TAIL, limit, 'A reject row');
  const runLiterals = runValues(run);
  for (const r of rejects) {
    const rawRowJson = JSON.stringify(r.raw_row);
    out.beginRow();
    if (rowBound(r, rawRowJson, runLiterals) <= limit) {
      out.ascii(idLiteral(r.staging_id));
      out.comma().strOrNull(r.brand_code);
      out.comma().strOrNull(r.sku);
      out.comma().str(r.reason_code);
      out.comma().str(r.field);
      out.comma().str(r.message);
      out.comma().str(rawRowJson);
      out.comma().str(r.src_updated_at);
      out.sql(runLiterals);
    } else {
      out.sql(rejectTuple(r, run, limit).slice(1, -1));
    }
    out.endRow();
  }
  return out.finish();
}

/** More bytes than the one-row statement of `tuple(r, r.message, rawRowJson, runTail(run))` can take; `runLiterals` is runValues(run). */
function rowBound(r: RejectEntry, rawRowJson: string, runLiterals: string): number {
  const chars =
    r.staging_id.length + (r.brand_code?.length ?? 0) + (r.sku?.length ?? 0) + r.reason_code.length + r.field.length +
    r.message.length + rawRowJson.length + r.src_updated_at.length + runLiterals.length;
  return REJECT_HEAD.length + REJECT_TAIL.length + 64 + chars * 3;
}

export const rejectStore = {
  /**
   * Renders and sends the batch's reject rows; the promise settles when the server has run them. Rows already
   * recorded for the same staging row version and reason are skipped by the server (REJECT_TAIL).
   */
  insert(trx: Knex.Transaction, rejects: readonly RejectEntry[], run: RunIdentity, limit = MAX_STATEMENT_BYTES): Promise<void> {
    return Promise.all(rejectStatements(rejects, run, limit).map((sql) => send(trx, sql))).then(() => undefined);
  },
};
