import type { Knex } from 'knex';
import { Cursor, cursorFromColumns } from '../../domain/cursor';
import type { OutcomeCounts } from '../../domain/outcome';
import type { RunOwner } from '../../shared/syncTypes';
import { BATCH_LOG_TABLE, STAGING_TABLE, WINDOW_PARTITION_TABLE, WINDOW_TABLE } from '../tables';

export interface WindowRow {
  id: string;
  from: Cursor;
  to: Cursor;
  partitions: number;
  batchSize: number;
  rowsPlanned: number;
  finished: boolean;
}

export interface PartitionOutcome {
  rowsRead: number;
  counts: OutcomeCounts;
  elapsedMs: number;
}

interface WindowDbRow {
  id: string | number;
  from_at: string;
  from_id: string | number;
  to_at: string;
  to_id: string | number;
  partitions: number;
  batch_size: number;
  rows_planned: number;
  finished_at: string | null;
}

function toWindow(r: WindowDbRow): WindowRow {
  return {
    id: String(r.id),
    from: cursorFromColumns(r.from_at, r.from_id),
    to: cursorFromColumns(r.to_at, r.to_id),
    partitions: Number(r.partitions),
    batchSize: Number(r.batch_size),
    rowsPlanned: Number(r.rows_planned),
    finished: r.finished_at !== null,
  };
}

const COUNT_COLUMNS = ['inserted', 'updated', 'unchanged', 'stale', 'rejected'] as const;

/**
 * The window ledger (etl_window) and the per-partition fence (etl_window_partition). Row-at-a-time statements, a
 * handful per window, so knex's builder is fine here.
 */
export const windowStore = {
  /** The greatest etl_batch_log id: a window planned at this mark is stale once any batch or window commits. */
  async batchLogHigh(trx: Knex.Transaction): Promise<string> {
    const [{ n }] = await trx(BATCH_LOG_TABLE).max<{ n: string | number | null }[]>({ n: 'id' });
    return String(n ?? 0);
  },

  /**
   * An unfinished window starting at `from` that nothing has committed past since it was planned: a run that
   * restarts, or a run started after a crash, applies that same window with the same K.
   */
  async findReusable(trx: Knex.Transaction, from: Cursor, batchLogHigh: string): Promise<WindowRow | undefined> {
    const r = await trx(WINDOW_TABLE)
      .where({ table_name: STAGING_TABLE, from_at: from.at, from_id: from.id, batch_log_high: batchLogHigh })
      .whereNull('finished_at')
      .orderBy('id', 'desc')
      .first();
    return r ? toWindow(r as WindowDbRow) : undefined;
  },

  async create(trx: Knex.Transaction, owner: RunOwner, w: Omit<WindowRow, 'id' | 'finished'>, batchLogHigh: string): Promise<WindowRow> {
    const [id] = await trx(WINDOW_TABLE).insert({
      table_name: STAGING_TABLE, workflow_id: owner.workflowId, run_id: owner.pipelineRunId, from_at: w.from.at, from_id: w.from.id,
      to_at: w.to.at, to_id: w.to.id, partitions: w.partitions, batch_size: w.batchSize, rows_planned: w.rowsPlanned, batch_log_high: batchLogHigh,
    });
    return { ...w, id: String(id), finished: false };
  },

  async get(db: Knex | Knex.Transaction, id: string): Promise<WindowRow | undefined> {
    const r = await db(WINDOW_TABLE).where({ id }).first();
    return r ? toWindow(r as WindowDbRow) : undefined;
  },

  async markFinished(trx: Knex.Transaction, id: string): Promise<void> {
    await trx(WINDOW_TABLE).where({ id }).update({ finished_at: trx.raw('CURRENT_TIMESTAMP(6)') });
  },

  /**
   * The fence: the partition's ledger row, inserted first in its transaction. A second attempt's insert waits on the
   * first's row lock and then finds it (committed: returns false) or inserts it (rolled back: returns true).
   */
  async claimPartition(trx: Knex.Transaction, windowId: string, partition: number, owner: RunOwner): Promise<boolean> {
    const [result] = (await trx.raw(`INSERT IGNORE INTO ${WINDOW_PARTITION_TABLE} (window_id, partition_no, workflow_id, run_id) VALUES (?, ?, ?, ?)`, [
      windowId, partition, owner.workflowId, owner.pipelineRunId,
    ])) as unknown as [{ affectedRows: number }];
    return result.affectedRows === 1;
  },

  async recordPartition(trx: Knex.Transaction, windowId: string, partition: number, o: PartitionOutcome): Promise<void> {
    await trx(WINDOW_PARTITION_TABLE)
      .where({ window_id: windowId, partition_no: partition })
      .update({ rows_read: o.rowsRead, ...o.counts, elapsed_ms: Math.min(o.elapsedMs, 4_000_000_000) });
  },

  /** A committed partition's outcome, read with a locking read so it sees the latest commit, not the snapshot. */
  async committedPartition(trx: Knex.Transaction, windowId: string, partition: number): Promise<PartitionOutcome | undefined> {
    const r = await trx(WINDOW_PARTITION_TABLE).where({ window_id: windowId, partition_no: partition }).forShare().first();
    return r ? outcomeOf(r) : undefined;
  },

  /** Every committed partition of the window, by partition number. */
  async committedPartitions(trx: Knex.Transaction, windowId: string): Promise<Map<number, PartitionOutcome>> {
    const rows = await trx(WINDOW_PARTITION_TABLE).where({ window_id: windowId }).forShare();
    return new Map(rows.map((r: Record<string, unknown>) => [Number(r.partition_no), outcomeOf(r)]));
  },
};

function outcomeOf(r: Record<string, unknown>): PartitionOutcome {
  const counts = Object.fromEntries(COUNT_COLUMNS.map((c) => [c, Number(r[c])])) as unknown as OutcomeCounts;
  return { rowsRead: Number(r.rows_read), counts, elapsedMs: Number(r.elapsed_ms) };
}
