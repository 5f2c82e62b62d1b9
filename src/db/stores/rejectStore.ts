import type { Knex } from 'knex';
import type { RejectEntry } from '../../domain/applyPlan';
import type { RunIdentity } from './changeLogStore';
import { insertInChunks } from './chunkedInsert';

export const rejectStore = {
  async insert(trx: Knex.Transaction, rejects: readonly RejectEntry[], run: RunIdentity): Promise<void> {
    const rows = rejects.map((r) => ({
      staging_id: r.staging_id,
      brand_code: r.brand_code,
      sku: r.sku,
      reason_code: r.reason_code,
      field: r.field,
      message: r.message,
      // JSON.stringify, not stable JSON: the raw row is kept as read, key order of the table.
      raw_row: JSON.stringify(r.raw_row),
      src_updated_at: r.src_updated_at,
      workflow_id: run.workflowId,
      run_id: run.runId,
    }));
    await insertInChunks(rows, (chunk) => trx('product_etl_reject').insert(chunk));
  },
};
