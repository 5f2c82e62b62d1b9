/**
 * Partitioned windows (docs/scaling.md): planWindow fixes the next window and K in etl_window; K applyPartition
 * activities, on whatever workers poll the queue, each apply the rows of one partition in a transaction fenced by the
 * partition's ledger row; finishWindow moves the watermark to the window's end once all K have committed.
 */
import { asyncLocalStorage } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Knex } from 'knex';
import { setImmediate as ioTurn } from 'node:timers/promises';
import { prepareRows } from '../domain/applyPlan';
import { compareCursors, cursorEquals, formatCursor, START_CURSOR } from '../domain/cursor';
import { addCounts, zeroCounts } from '../domain/outcome';
import { partitionOf, partitionsProblem } from '../domain/partition';
import { batchLogStore } from '../db/stores/batchLogStore';
import { changeLogStore, RunIdentity } from '../db/stores/changeLogStore';
import { IdAllocation, productStore, readIdAllocation } from '../db/stores/productStore';
import { rejectStore } from '../db/stores/rejectStore';
import { stagingRepository } from '../db/stores/stagingRepository';
import { watermarkStore, Watermark } from '../db/stores/watermarkStore';
import { windowStore, WindowRow } from '../db/stores/windowStore';
import { readStatementLimit } from '../db/session';
import { inOwnTransaction } from '../db/ownTransaction';
import { WINDOW_TABLE } from '../db/tables';
import { batchSizeProblem } from '../shared/batchSize';
import type { ApplyBatchResult, ApplyPartitionInput, ApplyPartitionResult, FinishWindowInput, PlannedWindow, PlanWindowInput } from '../shared/syncTypes';
import { MAX_BATCH_ATTEMPTS, planAgainstDatabase } from './applyBatch';
import { errorMessage } from '../errors';
import type { ActivityDeps } from './deps';
import { FailureType, isOutage } from './failures';
import { classifyAndCount } from './observedFailure';

/** A deadlock or lock wait between partitions is retried inside the activity this many times before Temporal's retry. */
const MAX_LOCK_RETRIES = 10;
const LOCK_CONFLICTS = new Set(['ER_LOCK_DEADLOCK', 'ER_LOCK_WAIT_TIMEOUT']);

function isLockConflict(err: unknown): boolean {
  const native = ((err as { nativeError?: unknown })?.nativeError ?? err) as { code?: string; errno?: number };
  return LOCK_CONFLICTS.has(native?.code ?? '') || native?.errno === 1213 || native?.errno === 1205;
}

/** As applyBatch: a partition that has run this long tells Temporal it is alive; a quick one saves the round trip. */
function heartbeatIfSlow(elapsedMs: number): void {
  if (elapsedMs >= 2_000) asyncLocalStorage.getStore()?.heartbeat();
}

function invalid(message: string): ApplicationFailure {
  return ApplicationFailure.create({ type: FailureType.InvalidInput, message, nonRetryable: true });
}

function watermarkMoved(w: Watermark, expected: string): ApplicationFailure {
  return ApplicationFailure.create({
    type: FailureType.WatermarkMoved,
    message: `The watermark is at ${formatCursor(w.cursor)}, not at this window's start ${expected}: another run (${w.workflowId ?? 'unknown'} / ${w.pipelineRunId ?? 'unknown'}) moved it. ` +
      'Start a new run to continue from the watermark.',
    nonRetryable: true,
  });
}

function windowResult(w: WindowRow, end: PlanWindowInput['end'], reused: boolean): PlannedWindow {
  const done = w.rowsPlanned < w.batchSize * w.partitions || compareCursors(w.to, end) >= 0;
  return { windowId: w.id, from: w.from, to: w.to, partitions: w.partitions, rowsPlanned: w.rowsPlanned, done, reused, plannedAt: new Date().toISOString() };
}

export function createPartitionedWindow({ knex, logger, config, hooks = {}, metrics }: ActivityDeps) {
  let idAllocation: Promise<IdAllocation> | undefined;

  /**
   * Fixes the next window before any of it is applied: reads only the cursor columns (the index) to find its end,
   * and records it with K. An unfinished window at the watermark that nothing has committed past is re-used as it
   * was planned, K included, so a restarted run or a new run after a crash applies the same window.
   */
  async function planWindow(input: PlanWindowInput): Promise<PlannedWindow> {
    const refused = batchSizeProblem(input.batchSize) ?? partitionsProblem(input.partitions);
    if (refused) throw invalid(refused);
    try {
      return await knex.transaction(async (trx) => {
        const watermark = await watermarkStore.lock(trx);
        const at = watermark.cursor ?? START_CURSOR;
        if (!cursorEquals(at, input.from)) throw watermarkMoved(watermark, formatCursor(input.from));
        const high = await windowStore.batchLogHigh(trx);
        const open = await windowStore.findReusable(trx, input.from, high);
        if (open) {
          logger.info('re-using the window planned earlier', { from: formatCursor(open.from), to: formatCursor(open.to), partitions: open.partitions });
          return windowResult(open, input.end, true);
        }
        const found = await stagingRepository.windowEnd(trx, input.from, input.end, input.batchSize * input.partitions);
        if (!found) return { windowId: null, from: input.from, to: input.from, partitions: input.partitions, rowsPlanned: 0, done: true, reused: false, plannedAt: new Date().toISOString() };
        const w = await windowStore.create(trx, input, { from: input.from, to: found.to, partitions: input.partitions, batchSize: input.batchSize, rowsPlanned: found.rows }, high);
        return windowResult(w, input.end, false);
      });
    } catch (err) {
      throw classifyAndCount(metrics, err);
    }
  }

  /**
   * One partition of a window, exactly once: its ledger row is inserted first in the transaction that writes its
   * products, change log and rejects, so a repeated attempt finds it and returns the committed outcome. It reads the
   * window's key columns to find its rows by the hash of the normalised key, then reads and normalises only those.
   */
  async function applyPartition(input: ApplyPartitionInput): Promise<ApplyPartitionResult> {
    const started = process.hrtime.bigint();
    const elapsedMs = () => Number((process.hrtime.bigint() - started) / 1_000_000n);
    const run: RunIdentity = { workflowId: input.workflowId, temporalRunId: input.runId };
    let lockRetries = 0;
    try {
      idAllocation ??= readIdAllocation(knex).catch((err: unknown) => {
        idAllocation = undefined;
        throw err;
      });
      const ids = await idAllocation;
      for (;;) {
        try {
          const result = await knex.transaction((trx) => inOwnTransaction(trx, () => applyPartitionOnce(trx, input, run, ids, elapsedMs, lockRetries)));
          if (!result.alreadyCommitted) await hooks.afterPartitionCommit?.(input.partition);
          return result;
        } catch (err) {
          if (!isLockConflict(err) || lockRetries >= MAX_LOCK_RETRIES) throw err;
          lockRetries++;
          logger.info('partition transaction retried after a lock conflict', { windowId: input.windowId, partition: input.partition, lockRetries });
          await new Promise((r) => setTimeout(r, 10 * lockRetries + Math.floor(Math.random() * 20)));
        }
      }
    } catch (err) {
      throw stopRepeatingFailure(classifyAndCount(metrics, err), err, input, config.maxBatchAttempts ?? MAX_BATCH_ATTEMPTS);
    }
  }

  async function applyPartitionOnce(
    trx: Knex.Transaction, input: ApplyPartitionInput, run: RunIdentity, ids: IdAllocation, elapsedMs: () => number, lockRetries: number,
  ): Promise<ApplyPartitionResult> {
    // The fence comes first, before any consistent read, so a committed earlier attempt is seen.
    const claimed = await windowStore.claimPartition(trx, input.windowId, input.partition, input);
    if (!claimed) {
      const committed = await windowStore.committedPartition(trx, input.windowId, input.partition);
      if (!committed) throw new Error(`partition ${input.partition} of window ${input.windowId} is claimed but its ledger row cannot be read`);
      logger.info('partition already committed by an earlier attempt; returning its outcome', { windowId: input.windowId, partition: input.partition });
      return { partition: input.partition, ...committed, alreadyCommitted: true, lockRetries, keysRead: 0 };
    }
    const w = await windowStore.get(trx, input.windowId);
    if (!w) throw invalid(`window ${input.windowId} is not in etl_window: was the table emptied during the run?`);
    if (!Number.isInteger(input.partition) || input.partition < 0 || input.partition >= w.partitions) {
      throw invalid(`partition ${input.partition} is not one of the window's ${w.partitions}`);
    }
    const watermark = await watermarkStore.lockShared(trx);
    if (!cursorEquals(watermark.cursor ?? START_CURSOR, w.from)) throw watermarkMoved(watermark, formatCursor(w.from));
    const keys = await stagingRepository.fetchKeys(trx, w.from, w.to);
    const mine = keys.filter((k) => partitionOf(k, w.partitions) === input.partition).map((k) => k.id);
    const [rows, limit] = await Promise.all([stagingRepository.fetchByIds(trx, mine, w.from, w.to), readStatementLimit(trx)]);
    heartbeatIfSlow(elapsedMs());
    const prepared = prepareRows(rows);
    const plan = await planAgainstDatabase(trx, prepared, run, limit);
    heartbeatIfSlow(elapsedMs());
    const productIds = productStore.upsert(trx, [...plan.writes.values()], ids, limit);
    productIds.catch(() => undefined);
    await ioTurn();
    const changes = changeLogStore.render(plan.changes, run);
    // allSettled, not all: every statement of the partition, chained ones included, has run before a failure is
    // handled, so the rollback in inOwnTransaction comes after all of them (see there).
    const written = await Promise.allSettled([
      productIds.then((known) => changeLogStore.insert(trx, changes, known, limit)),
      rejectStore.insert(trx, plan.rejects, run, limit),
      windowStore.recordPartition(trx, input.windowId, input.partition, { rowsRead: rows.length, counts: plan.counts, elapsedMs: elapsedMs() }),
    ]);
    const failed = written.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    await hooks.beforePartitionCommit?.(input.partition);
    return { partition: input.partition, rowsRead: rows.length, counts: plan.counts, elapsedMs: elapsedMs(), alreadyCommitted: false, lockRetries, keysRead: keys.length };
  }

  /**
   * Moves the watermark to the window's end, once all K partitions have committed (never past a window with one
   * missing), and records the window in etl_batch_log like a batch. A repeated attempt finds the window finished.
   */
  async function finishWindow(input: FinishWindowInput): Promise<ApplyBatchResult> {
    const started = Date.now();
    try {
      const result = await knex.transaction(async (trx): Promise<ApplyBatchResult> => {
        const watermark = await watermarkStore.lock(trx);
        const w = await windowStore.get(trx, input.windowId);
        if (!w) throw invalid(`window ${input.windowId} is not in etl_window: was the table emptied during the run?`);
        const committed = await windowStore.committedPartitions(trx, input.windowId);
        let counts = zeroCounts();
        let rowsRead = 0;
        let elapsed = 0;
        for (const o of committed.values()) {
          counts = addCounts(counts, o.counts);
          rowsRead += o.rowsRead;
          elapsed = Math.max(elapsed, o.elapsedMs);
        }
        const done = w.rowsPlanned < w.batchSize * w.partitions || compareCursors(w.to, input.end) >= 0;
        const base = { from: w.from, to: w.to, rowsRead, counts, done, elapsedMs: elapsed, finishedAt: new Date().toISOString() };
        if (w.finished) return { ...base, alreadyCommitted: true };
        if (!cursorEquals(watermark.cursor ?? START_CURSOR, w.from)) throw watermarkMoved(watermark, formatCursor(w.from));
        const missing = Array.from({ length: w.partitions }, (_, p) => p).filter((p) => !committed.has(p));
        if (missing.length > 0) {
          // The workflow calls this only after all K reported; retried, in case a commit is not yet visible.
          throw ApplicationFailure.create({ type: 'PartitionMissing', message: `window ${w.id}: partition(s) ${missing.join(', ')} not committed; the watermark stays at ${formatCursor(w.from)}`, nonRetryable: false });
        }
        await watermarkStore.set(trx, w.to, input);
        await windowStore.markFinished(trx, w.id);
        await batchLogStore.record(trx, input, { from: w.from, to: w.to, rowsRead, counts, elapsedMs: elapsed + (Date.now() - started) });
        return { ...base, alreadyCommitted: false };
      });
      metrics?.batchCommitted({
        key: `${input.pipelineRunId} w${input.windowId}`, counts: result.counts, rowsRead: result.rowsRead, elapsedMs: result.elapsedMs,
        watermarkAt: result.to.at, rejectsByReason: undefined, alreadyCommitted: result.alreadyCommitted,
      });
      await hooks.afterCommit?.();
      return result;
    } catch (err) {
      throw classifyAndCount(metrics, err);
    }
  }

  return { planWindow, applyPartition, finishWindow };
}


/**
 * As for a batch (applyBatch's MAX_BATCH_ATTEMPTS): a partition that fails on a reachable server attempt after attempt
 * stops the run and asks a person, instead of holding the window, and the watermark, forever. Outages retry on.
 */
function stopRepeatingFailure(failure: unknown, cause: unknown, input: ApplyPartitionInput, maxAttempts: number): unknown {
  const attempt = asyncLocalStorage.getStore()?.info.attempt ?? 1;
  const retryable = !(failure instanceof ApplicationFailure) || !failure.nonRetryable;
  if (!retryable || attempt < maxAttempts || isOutage(cause)) return failure;
  return ApplicationFailure.create({
    type: FailureType.BatchKeepsFailing,
    message:
      `Partition ${input.partition} of window ${input.windowId} failed ${attempt} times in a row; the last error: ${errorMessage(failure)}. ` +
      `The window's range and K are in ${WINDOW_TABLE} (id ${input.windowId}). Nothing of this partition was committed and the watermark is at the window's start; ` +
      'fix the cause and start a new run, which re-uses the same window.',
    nonRetryable: true,
  });
}
