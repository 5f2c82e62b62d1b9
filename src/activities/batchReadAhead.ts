import type { Knex } from 'knex';
import { setImmediate as ioTurn } from 'node:timers/promises';
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

/** Rows normalised between two turns of the event loop by a read-ahead: about 1.5 ms of work on a fast machine. */
export const READ_AHEAD_SLICE = 100;

/**
 * The read-ahead's form of readStagingBatch: it normalises in slices and lets the event loop turn between them.
 * It runs while the batch in flight is writing, and that batch's statements are queued on its connection by mysql2,
 * which sends the next only when the event loop hands it the previous one's answer: normalising 1000 rows in one go
 * (15-20 ms) left the database idle that long in the middle of the batch's writes.
 */
export async function readStagingBatchInSlices(db: Knex, range: Omit<BatchRange, 'pipelineRunId'>, slice = READ_AHEAD_SLICE): Promise<ReadAheadBatch> {
  const rows = await stagingRepository.fetchBatch(db, range.from, range.end, range.batchSize);
  return { rows, prepared: await prepareRowsInSlices(rows, slice) };
}

/** prepareRows, `slice` rows per turn of the event loop. */
export async function prepareRowsInSlices(rows: readonly StagingRow[], slice = READ_AHEAD_SLICE): Promise<PreparedRow[]> {
  const prepared: PreparedRow[] = [];
  for (let i = 0; i < rows.length; i += slice) {
    if (i > 0) await ioTurn();
    for (const p of prepareRows(rows.slice(i, i + slice))) prepared.push(p);
  }
  return prepared;
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
    const read = readStagingBatchInSlices(this.knex, range)
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
