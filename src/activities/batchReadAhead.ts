import type { Knex } from 'knex';
import { PreparedRow, prepareRows } from '../domain/applyPlan';
import { Cursor, formatCursor } from '../domain/cursor';
import type { StagingRow } from '../domain/types';
import { stagingRepository } from '../db/stores/stagingRepository';

export interface ReadAheadBatch {
  rows: StagingRow[];
  prepared: PreparedRow[];
}

export interface BatchRange {
  pipelineRunId: string;
  from: Cursor;
  end: Cursor;
  batchSize: number;
}

/** Enough for the batch after the one in flight; anything older belongs to a run that moved on. */
const MAX_ENTRIES = 2;
/** A read nobody took by then (the next batch ran on another worker, the run ended) is let go. */
const ENTRY_TTL_MS = 60_000;

/** A batch's staging rows, read in cursor order and normalised once: what a batch and its read-ahead both do. */
export async function readStagingBatch(db: Knex | Knex.Transaction, range: Omit<BatchRange, 'pipelineRunId'>): Promise<ReadAheadBatch> {
  const rows = await stagingRepository.fetchBatch(db, range.from, range.end, range.batchSize);
  return { rows, prepared: prepareRows(rows) };
}

const keyOf = (r: BatchRange) => `${r.pipelineRunId}|${formatCursor(r.from)}|${formatCursor(r.end)}|${r.batchSize}`;

/**
 * Reads and normalises the next batch while the current one writes, so the worker's CPU work overlaps the
 * database's. Worker-local and only an optimisation: a batch with nothing read ahead here (another worker,
 * a retry, a changed batch size) reads it itself.
 *
 * Reading staging outside the batch's transaction is safe: the batch is fenced on the watermark, not on the staging
 * snapshot, and an earlier read of the same (from, end] range is what the batch would have seen had it run a
 * few milliseconds sooner. A row that upstream changes meanwhile moves past `end` and is the next run's.
 */
export class BatchReadAhead {
  /**
   * Each read with the timer that lets it go. The timer is cleared whenever its read leaves the map: a pending timer
   * holds its closure, and so the read's rows, for the whole TTL, which at two batches a second kept some 120 batches
   * of rows alive (about 200 MB of the worker's heap; docs/operations.md, Worker memory).
   */
  private readonly entries = new Map<string, { read: Promise<ReadAheadBatch | undefined>; timer: NodeJS.Timeout }>();

  constructor(
    private readonly knex: Knex,
    private readonly ttlMs = ENTRY_TTL_MS,
  ) {}

  start(range: BatchRange): void {
    const key = keyOf(range);
    if (this.entries.has(key)) return;
    const read = readStagingBatch(this.knex, range)
      // A failed read-ahead is not an error: the batch reads for itself and meets the failure there, if it lasts.
      .catch(() => undefined);
    const timer = setTimeout(() => this.remove(key), this.ttlMs).unref();
    this.entries.set(key, { read, timer });
    while (this.entries.size > MAX_ENTRIES) this.remove(this.entries.keys().next().value as string);
  }

  /** The batch read ahead for exactly this range, once; undefined when there is none. */
  async take(range: BatchRange): Promise<ReadAheadBatch | undefined> {
    const key = keyOf(range);
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.remove(key);
    return entry.read;
  }

  private remove(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    clearTimeout(entry.timer);
    this.entries.delete(key);
  }
}
