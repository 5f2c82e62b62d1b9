import type { Knex } from 'knex';
import type { ChangeEntry } from '../../domain/applyPlan';
import { send } from '../sql/execute';
import { idLiteral, nullableString, stringLiteral } from '../sql/literal';
import { MAX_STATEMENT_BYTES } from '../sql/multiRowInsert';
import { ByteSink, MultiRowWriter } from '../sql/rowWriter';
import { CHANGE_LOG_TABLE } from '../tables';

/** The Temporal execution that writes the rows (not the pipeline run: that is RunOwner's pipelineRunId). */
export interface RunIdentity {
  workflowId: string;
  temporalRunId: string;
}

const HEAD =
  `INSERT INTO ${CHANGE_LOG_TABLE} (product_id, brand_code, sku, change_type, changed_fields, \`before\`, \`after\`, ` +
  'old_data_version, new_data_version, staging_id, src_updated_at, workflow_id, run_id) VALUES ';

/** A batch's change-log rows rendered as SQL except for the product ids, which the products upsert yields. */
export interface RenderedChanges {
  keys: string[];
  /** Every row's SQL after `(product_id`, without the closing parenthesis, as UTF-8: row i is bytes[ends[i-1]..ends[i]). */
  bytes: Buffer;
  ends: Uint32Array;
}

/**
 * The run's two literals, comma-led, shared by every row of a batch: the change log's and the rejects' rows both end
 * with (workflow_id, run_id). The statement writer writes them as they are; runTail adds the tuple's parenthesis.
 */
export function runValues(run: RunIdentity): string {
  return ',' + stringLiteral(run.workflowId) + ',' + stringLiteral(run.temporalRunId);
}

/** runValues and the closing parenthesis: how the string forms of the tuples end. */
export function runTail(run: RunIdentity): string {
  return runValues(run) + ')';
}

/** The changed_fields column's literal: the fields as a JSON array. */
const fieldsLiteral = (fields: readonly string[]): string => stringLiteral(JSON.stringify(fields));

/** Everything of the entry's tuple after `(product_id`; `changedFields` is fieldsLiteral(c.changed_fields). */
export function renderTail(c: ChangeEntry, runLiterals: string, changedFields: string = fieldsLiteral(c.changed_fields)): string {
  return (
    ',' + stringLiteral(c.brand_code) +
    ',' + stringLiteral(c.sku) +
    ",'" + c.change_type + "'" +
    ',' + changedFields +
    ',' + nullableString(c.before) +
    ',' + stringLiteral(c.after) +
    ',' + nullableString(c.old_data_version) +
    ',' + stringLiteral(c.new_data_version) +
    ',' + idLiteral(c.staging_id) +
    ',' + stringLiteral(c.src_updated_at) +
    runLiterals
  );
}

/** renderTail without its closing parenthesis, written as bytes; `runLiterals` is runValues(run). */
function writeTail(out: ByteSink, c: ChangeEntry, runLiterals: string, changedFields: string): void {
  out.comma().str(c.brand_code);
  out.comma().str(c.sku);
  out.ascii(c.change_type === 'INSERT' ? ",'INSERT'" : ",'UPDATE'");
  out.comma().sql(changedFields);
  out.comma().strOrNull(c.before);
  out.comma().str(c.after);
  out.comma().strOrNull(c.old_data_version);
  out.comma().str(c.new_data_version);
  out.comma().ascii(idLiteral(c.staging_id));
  out.comma().str(c.src_updated_at);
  out.sql(runLiterals);
}

/** A BIGINT UNSIGNED has at most 20 digits: the most bytes a product id adds to a rendered entry. */
const MAX_ID_DIGITS = 20;

/** The byte size of the one-row statement that logs `c`, whatever its product id turns out to be. */
export function changeStatementBytes(c: ChangeEntry, run: RunIdentity): number {
  return HEAD.length + 1 + MAX_ID_DIGITS + Buffer.byteLength(renderTail(c, runTail(run)));
}

export const changeLogStore = {
  /**
   * The CPU-heavy part (escaping kilobytes of JSON), done while the server runs the products upsert: written as bytes
   * (rowWriter.ts says why), the same text as renderTail's.
   */
  render(changes: readonly ChangeEntry[], run: RunIdentity): RenderedChanges {
    const runLiterals = runValues(run);
    const keys: string[] = new Array(changes.length);
    const ends = new Uint32Array(changes.length);
    const out = new ByteSink(64 * 1024);
    // Every INSERT shares one changed-fields array (applyPlan.ts), so its literal is rendered once, not per entry.
    let lastFields: readonly string[] | undefined;
    let lastLiteral = '';
    for (let i = 0; i < changes.length; i++) {
      const c = changes[i];
      if (c.changed_fields !== lastFields) {
        lastFields = c.changed_fields;
        lastLiteral = fieldsLiteral(lastFields);
      }
      keys[i] = c.key;
      writeTail(out, c, runLiterals, lastLiteral);
      ends[i] = out.length;
    }
    return { keys, bytes: out.view(), ends };
  },

  /** Multi-row insert; `productIds` maps each entry's key to its product id (known after the products upsert). */
  async insert(trx: Knex.Transaction, rendered: RenderedChanges, productIds: ReadonlyMap<string, string>, limit = MAX_STATEMENT_BYTES): Promise<void> {
    const out = new MultiRowWriter(HEAD, '', limit, 'A change-log row');
    for (let i = 0; i < rendered.keys.length; i++) {
      const productId = productIds.get(rendered.keys[i]);
      if (!productId) throw new Error(`no product id for change ${i} of the batch after the upsert`);
      out.beginRow();
      out.ascii(idLiteral(productId)).bytes(rendered.bytes, i === 0 ? 0 : rendered.ends[i - 1], rendered.ends[i]);
      out.endRow();
    }
    await Promise.all(out.finish().map((sql) => send(trx, sql)));
  },
};
