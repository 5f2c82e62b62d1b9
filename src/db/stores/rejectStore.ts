import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import type { RejectEntry } from '../../domain/applyPlan';
import type { StagingRow } from '../../domain/types';
import { send } from '../sql/execute';
import { idLiteral, nullableString, stringLiteral } from '../sql/literal';
import { MAX_STATEMENT_BYTES, multiRowStatements, StatementTooLargeError } from '../sql/multiRowInsert';
import type { RunIdentity } from './changeLogStore';

const HEAD = 'INSERT INTO product_etl_reject (staging_id, brand_code, sku, reason_code, field, message, raw_row, src_updated_at, workflow_id, run_id) VALUES ';

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

const fits = (t: string, limit: number) => HEAD.length + t.length * 3 <= limit || HEAD.length + Buffer.byteLength(t) <= limit;

/** Cuts a string to at most n UTF-16 units without splitting a surrogate pair. */
function cut(s: string, n: number): string {
  if (s.length <= n) return s;
  const code = s.charCodeAt(n - 1);
  return s.slice(0, code >= 0xd800 && code <= 0xdbff ? n - 1 : n);
}

/** The raw row with every string field longer than n cut to its first n characters, saying what was cut. */
function truncatedRawRow(row: StagingRow, n: number): string {
  const out: Record<string, unknown> = {};
  const truncated: Record<string, { chars: number; utf8_bytes: number; sha256: string }> = {};
  for (const [field, value] of Object.entries(row)) {
    if (typeof value === 'string' && value.length > n) {
      out[field] = cut(value, n);
      truncated[field] = { chars: value.length, utf8_bytes: Buffer.byteLength(value), sha256: createHash('sha256').update(value).digest('hex') };
    } else {
      out[field] = value;
    }
  }
  out[TRUNCATED_KEY] = truncated;
  return JSON.stringify(out);
}

/**
 * The reject's tuple, whole when it fits in one statement on this connection; otherwise with the raw row's long
 * fields cut to the longest prefix that fits (found by bisection, which only such rare rows pay for), and as a last
 * resort a shortened message too. A reject is never dropped: when not even that fits, the batch fails with a message
 * that says to raise max_allowed_packet.
 */
export function rejectTuple(r: RejectEntry, run: RunIdentity, limit: number): string {
  const runLiterals = ',' + stringLiteral(run.workflowId) + ',' + stringLiteral(run.runId) + ')';
  // JSON.stringify, not stable JSON: the raw row is kept as read, key order of the table.
  const whole = tuple(r, r.message, JSON.stringify(r.raw_row), runLiterals);
  if (fits(whole, limit)) return whole;
  const longest = Math.max(...Object.values(r.raw_row).map((v) => (typeof v === 'string' ? v.length : 0)));
  for (const message of [r.message, r.message.slice(0, SHORT_MESSAGE)]) {
    if (!fits(tuple(r, message, truncatedRawRow(r.raw_row, 0), runLiterals), limit)) continue;
    let lo = 0;
    let hi = longest;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (fits(tuple(r, message, truncatedRawRow(r.raw_row, mid), runLiterals), limit)) lo = mid;
      else hi = mid - 1;
    }
    return tuple(r, message, truncatedRawRow(r.raw_row, lo), runLiterals);
  }
  throw new StatementTooLargeError(HEAD.length + Buffer.byteLength(tuple(r, r.message.slice(0, SHORT_MESSAGE), truncatedRawRow(r.raw_row, 0), runLiterals)), limit, `The reject of staging row ${r.staging_id}, even with its raw row cut,`);
}

export const rejectStore = {
  /** Renders and sends the batch's reject rows; the promise settles when the server has run them. */
  insert(trx: Knex.Transaction, rejects: readonly RejectEntry[], run: RunIdentity, limit = MAX_STATEMENT_BYTES): Promise<void> {
    const tuples = rejects.map((r) => rejectTuple(r, run, limit));
    return Promise.all(multiRowStatements(HEAD, tuples, '', limit, 'A reject row').map((sql) => send(trx, sql))).then(() => undefined);
  },
};
