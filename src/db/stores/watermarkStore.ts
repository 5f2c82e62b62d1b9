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
   * The row is created with `ON DUPLICATE KEY UPDATE`, which locks an existing row exclusively, where `INSERT IGNORE`
   * (used until 2026-12-04) took a shared lock: two transactions queued behind a third were then both granted it,
   * and each one's `FOR UPDATE` waited for the other's, a deadlock (a stale attempt beside the live batch, found by
   * the chaos harness). Nor is the row looked for with `FOR UPDATE` first: on a missing row that takes a gap lock,
   * and two first-ever batches would deadlock on their inserts instead. Now every contender queues for one
   * exclusive lock (test/integration/watermarkLock.test.ts, with the row there and without).
   *
   * This must stay the transaction's first read. Under REPEATABLE READ the snapshot that the batch's plain reads
   * (existing products, the batch log) see is taken at the first plain read; taken before waiting here, it would
   * miss what the batch that held the lock committed.
   */
  async lock(trx: Knex.Transaction): Promise<Watermark> {
    await trx.raw(`INSERT INTO ${WATERMARK_TABLE} (table_name) VALUES (?) ON DUPLICATE KEY UPDATE table_name = table_name`, [STAGING_TABLE]);
    return toWatermark(await EtlWatermarkModel.query(trx).where('table_name', STAGING_TABLE).forUpdate().first());
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
