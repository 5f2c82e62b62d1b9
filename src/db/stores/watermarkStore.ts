import type { Knex } from 'knex';
import { Cursor, nullableCursorFromColumns } from '../../domain/cursor';
import { EtlWatermarkModel } from '../models';
import { STAGING_TABLE, WATERMARK_TABLE } from '../tables';
import type { RunOwner } from '../../shared/syncTypes';

export interface Watermark {
  cursor: Cursor | null;
  workflowId: string | null;
  /** The pipeline run (first run id of the execution chain) that last moved it. */
  pipelineRunId: string | null;
}

function toWatermark(r: EtlWatermarkModel | undefined): Watermark {
  if (!r) return { cursor: null, workflowId: null, pipelineRunId: null };
  return { cursor: nullableCursorFromColumns(r.last_processed_at, r.last_processed_id), workflowId: r.workflow_id, pipelineRunId: r.run_id };
}

export const watermarkStore = {
  async read(db: Knex | Knex.Transaction): Promise<Watermark> {
    return toWatermark(await EtlWatermarkModel.query(db).where('table_name', STAGING_TABLE).first());
  },

  /**
   * Locks the watermark row for the rest of the transaction (creating it on first use): the batch fence.
   *
   * `FOR UPDATE` first, and the `INSERT IGNORE` only when there is no row yet. The other order deadlocked: an
   * `INSERT IGNORE` of a row that exists takes a shared lock on it, so two transactions queued behind a third were
   * both granted that shared lock when it committed, and each one's `FOR UPDATE` then waited for the other's
   * (seen by the chaos harness, a stale attempt beside the live batch; test/integration/watermarkLock.test.ts).
   * Now contenders queue for the exclusive lock. Only the very first batch ever creates the row.
   */
  async lock(trx: Knex.Transaction): Promise<Watermark> {
    const forUpdate = () => EtlWatermarkModel.query(trx).where('table_name', STAGING_TABLE).forUpdate().first();
    const row = await forUpdate();
    if (row) return toWatermark(row);
    await trx.raw(`INSERT IGNORE INTO ${WATERMARK_TABLE} (table_name) VALUES (?)`, [STAGING_TABLE]);
    return toWatermark(await forUpdate());
  },

  /**
   * A shared lock on the watermark row: the K partitions of a window hold it together, and it keeps the watermark
   * (and so the window's start) from moving under any of them until they commit.
   */
  async lockShared(trx: Knex.Transaction): Promise<Watermark> {
    return toWatermark(await EtlWatermarkModel.query(trx).where('table_name', STAGING_TABLE).forShare().first());
  },

  async set(trx: Knex | Knex.Transaction, cursor: Cursor | null, owner: RunOwner): Promise<void> {
    await EtlWatermarkModel.query(trx)
      .where('table_name', STAGING_TABLE)
      .patch({
        last_processed_at: cursor?.at ?? null,
        last_processed_id: cursor?.id ?? null,
        workflow_id: owner.workflowId,
        run_id: owner.pipelineRunId,
      });
  },
};
