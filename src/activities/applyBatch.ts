import { asyncLocalStorage } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Knex } from 'knex';
import { setImmediate as ioTurn } from 'node:timers/promises';
import { BatchPlan, ChangeEntry, keysOf, planBatchWithin, PreparedRow, RejectEntry } from '../domain/applyPlan';
import { compareCursors, Cursor, cursorEquals, formatCursor, START_CURSOR } from '../domain/cursor';
import type { OutcomeCounts } from '../domain/outcome';
import type { StagingRow } from '../domain/types';
import { batchLogStore } from '../db/stores/batchLogStore';
import { changeLogStore } from '../db/stores/changeLogStore';
import { IdAllocation, productStore, readIdAllocation } from '../db/stores/productStore';
import { rejectStore } from '../db/stores/rejectStore';
import { oversizedRows } from '../db/stores/rowFit';
import { RunIdentity } from '../db/stores/changeLogStore';
import { readStatementLimit } from '../db/session';
import { inOwnTransaction } from '../db/ownTransaction';
import { watermarkStore } from '../db/stores/watermarkStore';
import { batchSizeProblem } from '../shared/batchSize';
import type { ApplyBatchInput, ApplyBatchResult, DryRunSample, RunOwner } from '../shared/syncTypes';
import { BatchReadAhead, ReadAheadBatch, readStagingBatch } from './batchReadAhead';
import type { ActivityDeps } from './deps';
import { classifyDatabaseError, FailureType, isOutage } from './failures';
import { noMetrics } from '../observability/metricsApi';
import { databaseErrorType } from './observedFailure';
import { errorMessage } from '../errors';
import { STAGING_TABLE } from '../db/tables';

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
    changes: changes.slice(0, SAMPLE_SIZE).map((c) => ({ brandCode: c.brand_code, sku: c.sku, changeType: c.change_type, changedFields: [...c.changed_fields] })),
  };
}

/** A batch that reads less than a full batch, or reaches the run's end cursor, is the run's last. */
function isLastBatch(input: ApplyBatchInput, rowsRead: number, to: Cursor): boolean {
  return rowsRead < input.batchSize || compareCursors(to, input.end) >= 0;
}

/** What a batch read: how many rows and where they end (the rows themselves are not kept past the plan). */
interface BatchExtent {
  rowsRead: number;
  to: Cursor;
}

/** The batch ends at its last row, or where it started when it read nothing. */
function extentOf(input: ApplyBatchInput, rows: readonly StagingRow[]): BatchExtent {
  const last = rows[rows.length - 1];
  return { rowsRead: rows.length, to: last ? { at: last.src_updated_at, id: last.id } : input.from };
}

/** The result both the real and the dry-run path return. */
function batchResult(input: ApplyBatchInput, { rowsRead, to }: BatchExtent, counts: OutcomeCounts, elapsedMs: number, sample?: DryRunSample): ApplyBatchResult {
  return {
    from: input.from,
    to,
    rowsRead,
    counts,
    done: isLastBatch(input, rowsRead, to),
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
export function createApplyBatch({ knex, logger, config, hooks = {}, metrics = noMetrics }: ActivityDeps) {
  const readAhead = config.readAhead === false ? undefined : new BatchReadAhead(knex);
  let idAllocation: Promise<IdAllocation> | undefined;

  /** This batch's rows: read ahead when there is a read for exactly this range, else a read of its own. */
  async function readBatch(db: Knex.Transaction, input: ApplyBatchInput): Promise<ReadAheadBatch> {
    return (await readAhead?.take(input)) ?? readStagingBatch(db, input);
  }

  return async function applyBatch(input: ApplyBatchInput): Promise<ApplyBatchResult> {
    const batchSizeRefused = batchSizeProblem(input.batchSize);
    if (batchSizeRefused) throw ApplicationFailure.create({ type: FailureType.InvalidInput, message: batchSizeRefused, nonRetryable: true });
    const started = process.hrtime.bigint();
    const elapsedMs = () => Number((process.hrtime.bigint() - started) / 1_000_000n);
    const owner: RunOwner = { workflowId: input.workflowId, pipelineRunId: input.pipelineRunId };
    const run: RunIdentity = { workflowId: input.workflowId, temporalRunId: input.runId };
    let rejectsByReason: Record<string, number> | undefined;
    try {
      if (input.dryRun) {
        const planned = await dryRunBatch(knex, input, run, elapsedMs);
        logger.info('dry-run batch planned (nothing written)', { ...batchFields(input), to: formatCursor(planned.to), rowsRead: planned.rowsRead, ...planned.counts, elapsedMs: planned.elapsedMs, dryRun: true });
        return planned;
      }
      idAllocation ??= readIdAllocation(knex).catch((err: unknown) => {
        idAllocation = undefined;
        throw err;
      });
      const ids = await idAllocation;
      // Autocommit off for the batch's transaction: see inOwnTransaction (a deadlock with an outside writer must not
      // leave the pipelined statements behind it committed one by one).
      return await knex.transaction((trx) => inOwnTransaction(trx, async () => {
        const watermark = await watermarkStore.lock(trx);
        const at = watermark.cursor ?? START_CURSOR;
        if (!cursorEquals(at, input.from)) {
          const committed = await batchLogStore.find(trx, input.pipelineRunId, input.from);
          if (committed) {
            // Logged here, before the (empty) transaction ends, as ever: the chaos harness's zombie fault reads it.
            logger.info('batch already committed by an earlier attempt; returning its outcome', {
              ...batchFields(input), to: formatCursor(committed.to), rowsRead: committed.rowsRead, ...committed.counts, alreadyCommitted: true,
            });
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
              `another run (${watermark.workflowId ?? 'unknown'} / ${watermark.pipelineRunId ?? 'unknown'}) moved it. Start a new run to continue from the watermark.`,
            nonRetryable: true,
          });
        }
        heartbeatIfSlow(elapsedMs());
        const [batch, limit] = await Promise.all([readBatch(trx, input), readStatementLimit(trx)]);
        const extent = extentOf(input, batch.rows);
        const sent = await sendWrites(trx, batch, run, ids, limit, elapsedMs);
        // Only now, with this batch's statements queued: started earlier, the next batch's normalisation took the
        // event loop before this batch's plan and held up its writes (docs/benchmarks.md, 2026-12-05 morning).
        if (readAhead && !isLastBatch(input, extent.rowsRead, extent.to)) readAhead.start({ ...input, from: extent.to });
        rejectsByReason = sent.rejectsByReason;
        await Promise.all([
          sent.written,
          watermarkStore.set(trx, extent.to, owner),
          batchLogStore.record(trx, owner, { from: input.from, ...extent, counts: sent.counts, elapsedMs: elapsedMs() }),
        ]);
        await hooks.beforeCommit?.();
        return batchResult(input, extent, sent.counts, elapsedMs());
      })).then(async (result) => {
        if (!result.alreadyCommitted) {
          logger.info('batch committed', { ...batchFields(input), to: formatCursor(result.to), rowsRead: result.rowsRead, ...result.counts, elapsedMs: result.elapsedMs, rejectsByReason });
        }
        metrics.batchCommitted({
          key: `${input.pipelineRunId} ${formatCursor(input.from)}`, counts: result.counts, rowsRead: result.rowsRead, elapsedMs: result.elapsedMs,
          watermarkAt: result.to.at, rejectsByReason: result.alreadyCommitted ? undefined : rejectsByReason, alreadyCommitted: result.alreadyCommitted,
        });
        await hooks.afterCommit?.();
        return result;
      });
    } catch (err) {
      const classified = classifyDatabaseError(err);
      const dbErrorType = databaseErrorType(err, classified);
      if (dbErrorType) metrics.databaseError(dbErrorType);
      const failure = stopRepeatingFailure(classified, err, input, config.maxBatchAttempts ?? MAX_BATCH_ATTEMPTS);
      // Temporal retries the batch (or the run stops, for a non-retryable failure); the message is the classified one.
      logger.warn('batch failed', { ...batchFields(input), elapsedMs: elapsedMs(), errorType: dbErrorType ?? (failure as { type?: string })?.type, error: errorMessage(failure) });
      throw failure;
    }
  };
}

/**
 * What each batch's log line says about which batch it is: the workflow, the pipeline run (first run id of the chain),
 * the Temporal run (this execution) and where the batch starts; never row data.
 */
function batchFields(input: ApplyBatchInput): Record<string, unknown> {
  return { workflowId: input.workflowId, pipelineRunId: input.pipelineRunId, runId: input.runId, from: formatCursor(input.from), batchSize: input.batchSize };
}

/** Rejects by reason code: a handful of codes, so a few counters per batch, whatever its size. */
function countByReason(rejects: readonly RejectEntry[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of rejects) out[r.reason_code] = (out[r.reason_code] ?? 0) + 1;
  return out;
}

/**
 * How often one batch may fail on something other than an outage before the run stops and asks a person: with the
 * workflow's backoff (1 s doubling to 30 s) 20 attempts span about 8 minutes. Outages (server down or restarting)
 * are retried without bound, so a run rides out maintenance; an error that recurs on a reachable server (a row the
 * server will not take, a bug) would otherwise be retried forever with the whole sync stuck behind it.
 */
export const MAX_BATCH_ATTEMPTS = 20;

function stopRepeatingFailure(failure: unknown, cause: unknown, input: ApplyBatchInput, maxAttempts: number): unknown {
  const attempt = asyncLocalStorage.getStore()?.info.attempt ?? 1;
  const retryable = !(failure instanceof ApplicationFailure) || !failure.nonRetryable;
  if (!retryable || attempt < maxAttempts || isOutage(cause)) return failure;
  const from = formatCursor(input.from);
  return ApplicationFailure.create({
    type: FailureType.BatchKeepsFailing,
    message:
      `The batch after cursor ${from} failed ${attempt} times in a row; the last error: ${errorMessage(failure)}. ` +
      `Look at the next ${input.batchSize} staging rows after (src_updated_at, id) = ${from} in cursor order: ` +
      `SELECT * FROM ${STAGING_TABLE} WHERE src_updated_at > '${input.from.at}' OR (src_updated_at = '${input.from.at}' AND id > ${input.from.id}) ` +
      `ORDER BY src_updated_at, id LIMIT ${input.batchSize}. Nothing of this batch was committed; fix the cause and start a new run, which resumes from the watermark.`,
    nonRetryable: true,
  });
}

/** A batch's writes, sent on its transaction: what the batch still needs of its plan once the statements are built. */
interface SentWrites {
  counts: OutcomeCounts;
  rejectsByReason: Record<string, number>;
  /** Settles when every statement of the batch's products, change log and rejects has run. */
  written: Promise<unknown>;
}

/**
 * Plans the batch and sends its statements. The rows, their normalised forms, the existing products and the plan are
 * this function's alone, so the batch does not keep them alive while it waits on the server: a young-generation
 * collection copies whatever is alive when it runs. (A small effect: 2-4 % fewer bytes survived collections;
 * docs/benchmarks.md, 2026-12-04 evening.)
 */
async function sendWrites(trx: Knex.Transaction, batch: ReadAheadBatch, run: RunIdentity, ids: IdAllocation, limit: number, elapsedMs: () => number): Promise<SentWrites> {
  const plan = await planAgainstDatabase(trx, batch.prepared, run, limit);
  heartbeatIfSlow(elapsedMs());
  // The statements go out in this order on the transaction's connection; the products upsert is sent first
  // and the change log's JSON is escaped while the server runs it.
  const productIds = productStore.upsert(trx, [...plan.writes.values()], ids, limit);
  // Handled below; this keeps a failure during the next turn from counting as an unhandled rejection.
  productIds.catch(() => undefined);
  await ioTurn();
  const changes = changeLogStore.render(plan.changes, run);
  const rejected = rejectStore.insert(trx, plan.rejects, run, limit);
  return {
    counts: plan.counts,
    rejectsByReason: countByReason(plan.rejects),
    written: Promise.all([productIds.then((known) => changeLogStore.insert(trx, changes, known, limit)), rejected]),
  };
}

/**
 * One read of the existing products for the batch's keys, then the rules applied in memory; rows whose writes could
 * not be sent on this connection become ROW_TOO_LARGE rejects, exactly as a real run and a dry run both count them.
 */
export async function planAgainstDatabase(db: Knex | Knex.Transaction, prepared: PreparedRow[], run: RunIdentity, limit: number): Promise<BatchPlan> {
  const existing = await productStore.findByKeys(db, keysOf(prepared), limit);
  return planBatchWithin(prepared, existing, (plan) => oversizedRows(plan, prepared, run, limit));
}

async function dryRunBatch(knex: Knex, input: ApplyBatchInput, run: RunIdentity, elapsedMs: () => number): Promise<ApplyBatchResult> {
  // One connection for the limit and the reads, so the limit is the one those statements meet.
  return knex.transaction(async (trx) => {
    const [{ rows, prepared }, limit] = await Promise.all([readStagingBatch(trx, input), readStatementLimit(trx)]);
    const plan = await planAgainstDatabase(trx, prepared, run, limit);
    return batchResult(input, extentOf(input, rows), plan.counts, elapsedMs(), sampleOf(plan.changes, plan.rejects));
  }, { readOnly: true });
}
