import type { Knex } from 'knex';
import type { RejectEntry } from '../../domain/applyPlan';
import { send } from '../sql/execute';
import { idLiteral, nullableString, stringLiteral } from '../sql/literal';
import { multiRowStatements } from '../sql/multiRowInsert';
import type { RunIdentity } from './changeLogStore';

const HEAD = 'INSERT INTO product_etl_reject (staging_id, brand_code, sku, reason_code, field, message, raw_row, src_updated_at, workflow_id, run_id) VALUES ';

export const rejectStore = {
  /** Renders and sends the batch's reject rows; the promise settles when the server has run them. */
  insert(trx: Knex.Transaction, rejects: readonly RejectEntry[], run: RunIdentity): Promise<void> {
    const runLiterals = ',' + stringLiteral(run.workflowId) + ',' + stringLiteral(run.runId) + ')';
    const tuples = rejects.map((r) =>
      '(' + idLiteral(r.staging_id) +
      ',' + nullableString(r.brand_code) +
      ',' + nullableString(r.sku) +
      ',' + stringLiteral(r.reason_code) +
      ',' + stringLiteral(r.field) +
      ',' + stringLiteral(r.message) +
      // JSON.stringify, not stable JSON: the raw row is kept as read, key order of the table.
      ',' + stringLiteral(JSON.stringify(r.raw_row)) +
      ',' + stringLiteral(r.src_updated_at) +
      runLiterals,
    );
    return Promise.all(multiRowStatements(HEAD, tuples).map((sql) => send(trx, sql))).then(() => undefined);
  },
};
