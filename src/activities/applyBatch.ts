import { asyncLocalStorage } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Knex } from 'knex';
import { setImmediate as ioTurn } from 'node:timers/promises';
import { ChangeEntry, keysOf, planBatch, PreparedRow, RejectEntry } from '../domain/applyPlan';
import { compareCursors, Cursor, cursorEquals, formatCursor, START_CURSOR } from '../domain/cursor';
import type { OutcomeCounts } from '../domain/outcome';
import type { StagingRow } from '../domain/types';
import { batchLogStore } from '../db/stores/batchLogStore';
import { changeLogStore } from '../db/stores/changeLogStore';
import { IdAllocation, productStore, readIdAllocation } from '../db/stores/productStore';
import { rejectStore } from '../db/stores/rejectStore';
import { watermarkStore } from '../db/stores/watermarkStore';
import type { ApplyBatchInput, ApplyBatchResult, DryRunSample } from '../shared/syncTypes';
import { BatchReadAhead, ReadAheadBatch, readStagingBatch } from './batchReadAhead';
import type { ActivityDeps } from './deps';
import { classifyDatabaseError, FailureType } from './failures';

const SAMPLE_SIZE = 5;
const SAMPLE_MESSAGE_LENGTH = 200;

/**
 * A batch that has run this long tells Temporal it is alive (well inside the 30 s heartbeat timeout). A quicker one
 * never does: each heartbeat is a round trip and a history-store write on the server, which for a 1000-row batch of
 * some 50 ms cost about as much as the batch (docs/benchmarks.md). A frozen worker is noticed either way.
 */
const HEARTBEAT_AFTER_MS = 2_000;

/** Heartbeats when run by a worker and the batch is slow; tools and tests may also call the activity directly. */
function heartbeatIfSlow(elapsedMs: number): void {
  if (elapsedMs >= HEARTBEAT_AFTER_MS) asyncLocalStorage.getStore()?.heartbeat();
}

function sampleOf(changes: readonly ChangeEntry[], rejects: readonly RejectEntry[]): DryRunSample {
  return {
    rejects: rejects.slice(0, SAMPLE_SIZE).map((r) => ({ stagingId: r.staging_id, reason: r.reason_code, message: r.message.slice(0, SAMPLE_MESSAGE_LENGTH) })),
    changes: changes.slice(0, SAMPLE_SIZE).map((c) => ({ brandCode: c.brand_code, sku: c.sku, changeType: c.change_type, changedFields: c.changed_fields })),
  };
}

/** Where a batch ends: its last row, or where it started when it read nothing. */
function batchEnd(input: ApplyBatchInput, rows: readonly StagingRow[]): Cursor {
  const last = rows[rows.length - 1];
  return last ? { at: last.src_updated_at, id: last.id } : input.from;
}

/** A batch that reads less than a full batch, or reaches the run's end cursor, is the run's last. */
function isLastBatch(input: ApplyBatchInput, rowsRead: number, to: Cursor): boolean {
  return rowsRead < input.batchSize || compareCursors(to, input.end) >= 0;
}

/** The result both the real and the dry-run path return. */
function batchResult(input: ApplyBatchInput, rows: readonly StagingRow[], counts: OutcomeCounts, elapsedMs: number, sample?: DryRunSample): ApplyBatchResult {
  const to = batchEnd(input, rows);
  return {
    from: input.from,
    to,
    rowsRead: rows.length,
    counts,
    done: isLastBatch(input, rows.length, to),
    elapsedMs,
    alreadyCommitted: false,
    finishedAt: new Date().toISOString(),
    ...(sample ? { sample } : {}),
  };
}

/**
 * One batch: read the next rows after `from`, apply them in memory by the rules of spec section 6, and write
 * products, change log, rejects and the watermark advance in one transaction; a handful of statements per batch,
 * none per row. Temporal may run this more than once (a worker dies after the commit, an attempt outlives its
 * timeout): the watermark row, locked first, fences the batch, so a repeated attempt returns what was committed.
 */
export function createApplyBatch({ knex, logger, config, hooks = {} }: ActivityDeps) {
  const readAhead = config.readAhead === false ? undefined : new BatchReadAhead(knex);
  let idAllocation: Promise<IdAllocation> | undefined;

  /** This batch's rows: read ahead when there is a read for exactly this range, else a read of its own. */
  async function readBatch(db: Knex.Transaction, input: ApplyBatchInput): Promise<ReadAheadBatch> {
    return (await readAhead?.take(input)) ?? readStagingBatch(db, input);
  }

  return async function applyBatch(input: ApplyBatchInput): Promise<ApplyBatchResult> {
    if (!Number.isInteger(input.batchSize) || input.batchSize < 1 || input.batchSize > 10_000) {
      throw ApplicationFailure.create({ type: FailureType.InvalidInput, message: `batchSize must be 1..10000 (got ${input.batchSize})`, nonRetryable: true });
    }
    const started = process.hrtime.bigint();
    const elapsedMs = () => Number((process.hrtime.bigint() - started) / 1_000_000n);
    const owner = { workflowId: input.workflowId, runId: input.pipelineRunId };
    const run = { workflowId: input.workflowId, runId: input.runId };
    try {
      if (input.dryRun) return await dryRunBatch(knex, input, elapsedMs);
      idAllocation ??= readIdAllocation(knex).catch((err: unknown) => {
        idAllocation = undefined;
        throw err;
      });
      const ids = await idAllocation;
      return await knex.transaction(async (trx) => {
        const watermark = await watermarkStore.lock(trx);
        const at = watermark.cursor ?? START_CURSOR;
        if (!cursorEquals(at, input.from)) {
          const committed = await batchLogStore.find(trx, input.pipelineRunId, input.from);
          if (committed) {
            logger.info('batch already committed by an earlier attempt; returning its outcome', { from: formatCursor(input.from) });
            return {
              ...committed,
              done: isLastBatch(input, committed.rowsRead, committed.to),
              alreadyCommitted: true,
              finishedAt: new Date().toISOString(),
            };
          }
          throw ApplicationFailure.create({
            type: FailureType.WatermarkMoved,
            message: `The watermark is at ${formatCursor(watermark.cursor)}, not at this batch's start ${formatCursor(input.from)}, and no batch of this run starts there: ` +
              `another run (${watermark.workflowId ?? 'unknown'} / ${watermark.runId ?? 'unknown'}) moved it. Start a new run to continue from the watermark.`,
            nonRetryable: true,
          });
        }
        heartbeatIfSlow(elapsedMs());
        const { rows, prepared } = await readBatch(trx, input);
        const to = batchEnd(input, rows);
        if (readAhead && !isLastBatch(input, rows.length, to)) readAhead.start({ ...input, from: to });
        const plan = await planAgainstDatabase(trx, prepared);
        heartbeatIfSlow(elapsedMs());
        // The statements go out in this order on the transaction's connection; the products upsert is sent first
        // and the change log's JSON is escaped while the server runs it.
        const productIds = productStore.upsert(trx, [...plan.writes.values()], ids);
        // Handled below; this keeps a failure during the next turn from counting as an unhandled rejection.
        productIds.catch(() => undefined);
        await ioTurn();
        const changes = changeLogStore.render(plan.changes, run);
        const rejected = rejectStore.insert(trx, plan.rejects, run);
        await Promise.all([
          productIds.then((known) => changeLogStore.insert(trx, changes, known)),
          rejected,
          watermarkStore.set(trx, to, owner),
          batchLogStore.record(trx, owner, { from: input.from, to, rowsRead: rows.length, counts: plan.counts, elapsedMs: elapsedMs() }),
        ]);
        await hooks.beforeCommit?.();
        return batchResult(input, rows, plan.counts, elapsedMs());
      }).then(async (result) => {
        await hooks.afterCommit?.();
        return result;
      });
    } catch (err) {
      throw classifyDatabaseError(err);
    }
  };
}

/** One read of the existing products for the batch's keys, then the rules applied in memory. */
async function planAgainstDatabase(db: Knex | Knex.Transaction, prepared: PreparedRow[]) {
  const existing = await productStore.findByKeys(db, keysOf(prepared));
  return planBatch(prepared, existing);
}

async function dryRunBatch(knex: Knex, input: ApplyBatchInput, elapsedMs: () => number): Promise<ApplyBatchResult> {
  const { rows, prepared } = await readStagingBatch(knex, input);
  const plan = await planAgainstDatabase(knex, prepared);
  return batchResult(input, rows, plan.counts, elapsedMs(), sampleOf(plan.changes, plan.rejects));
}
