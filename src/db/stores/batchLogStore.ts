import type { Knex } from 'knex';
import { Cursor, cursorFromColumns } from '../../domain/cursor';
import type { OutcomeCounts } from '../../domain/outcome';
import { EtlBatchLogModel } from '../models';
import { STAGING_TABLE } from '../tables';
import type { RunOwner } from '../../shared/syncTypes';

export interface CommittedBatch {
  from: Cursor;
  to: Cursor;
  rowsRead: number;
  counts: OutcomeCounts;
  elapsedMs: number;
}

/** The ledger of committed batches: what a repeated attempt returns instead of applying the batch again. */
export const batchLogStore = {
  async record(trx: Knex.Transaction, owner: RunOwner, b: CommittedBatch): Promise<void> {
    await EtlBatchLogModel.query(trx).insert({
      table_name: STAGING_TABLE,
      workflow_id: owner.workflowId,
      run_id: owner.pipelineRunId,
      from_at: b.from.at,
      from_id: b.from.id,
      to_at: b.to.at,
      to_id: b.to.id,
      rows_read: b.rowsRead,
      ...b.counts,
      elapsed_ms: Math.min(b.elapsedMs, 4_000_000_000),
    });
  },

  async find(db: Knex | Knex.Transaction, pipelineRunId: string, from: Cursor): Promise<CommittedBatch | undefined> {
    const r = await EtlBatchLogModel.query(db).where({ run_id: pipelineRunId, from_at: from.at, from_id: from.id }).first();
    if (!r) return undefined;
    return {
      from: cursorFromColumns(r.from_at, r.from_id),
      to: cursorFromColumns(r.to_at, r.to_id),
      rowsRead: r.rows_read,
      counts: { inserted: r.inserted, updated: r.updated, unchanged: r.unchanged, stale: r.stale, rejected: r.rejected },
      elapsedMs: r.elapsed_ms,
    };
  },
};
