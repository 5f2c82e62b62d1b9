import { ApplicationFailure } from '@temporalio/common';
import type { Knex } from 'knex';
import { compareCursors, Cursor, cursorEquals, START_CURSOR } from '../domain/cursor';
import { freshnessStore } from '../db/stores/freshnessStore';
import { serverStore } from '../db/stores/serverStore';
import { stagingRepository } from '../db/stores/stagingRepository';
import { watermarkStore } from '../db/stores/watermarkStore';
import type { BeginRunInput, BeginRunResult } from '../shared/syncTypes';
import type { ActivityDeps } from './deps';
import { FailureType } from './failures';
import { classifyAndCount } from './observedFailure';

/** The cursor `seconds` before `c`, never before the start. */
async function rewind(db: Knex.Transaction, c: Cursor, seconds: number): Promise<Cursor> {
  const rewound = { at: await serverStore.datetimeMinus(db, c.at, Math.round(seconds * 1e6)), id: '0' };
  return compareCursors(rewound, START_CURSOR) < 0 ? START_CURSOR : rewound;
}

/**
 * Fixes where the run reads from and where it ends. The end is the greatest (src_updated_at, id) in staging now:
 * rows that land later are left for the next run, so a run always finishes while upstream keeps writing.
 * A run that reads from somewhere other than the watermark (--no-resume, --lookback) moves the watermark there
 * first, so the batch fence holds; the rows between are re-read and, by the rules, change nothing already applied.
 */
export function createBeginRun({ knex, logger, metrics }: ActivityDeps) {
  return async function beginRun(input: BeginRunInput): Promise<BeginRunResult> {
    if (!Number.isFinite(input.lookbackSeconds) || input.lookbackSeconds < 0) {
      throw ApplicationFailure.create({ type: FailureType.InvalidInput, message: `lookbackSeconds must be >= 0 (got ${input.lookbackSeconds})`, nonRetryable: true });
    }
    try {
      const result = await knex.transaction(async (trx): Promise<BeginRunResult> => {
        const watermark = input.dryRun ? await watermarkStore.read(trx) : await watermarkStore.lock(trx);
        const end = await stagingRepository.lastCursor(trx);
        // A repeated attempt of this activity (same pipeline run) finds the watermark already placed: keep it.
        const placedByThisRun = watermark.workflowId === input.workflowId && watermark.pipelineRunId === input.pipelineRunId;
        let start: Cursor = START_CURSOR;
        if (placedByThisRun) start = watermark.cursor ?? START_CURSOR;
        else if (input.resume && watermark.cursor) {
          start = input.lookbackSeconds > 0 ? await rewind(trx, watermark.cursor, input.lookbackSeconds) : watermark.cursor;
        }
        if (!input.dryRun && !placedByThisRun) {
          await watermarkStore.set(trx, cursorEquals(start, START_CURSOR) ? null : start, input);
          if (!cursorEquals(start, watermark.cursor ?? START_CURSOR)) logger.info('watermark moved to the run start', { from: watermark.cursor, to: start });
        }
        const rowsToRead = end ? await stagingRepository.countBetween(trx, start, end) : 0;
        // Rows landed since the watermark's row but dated before where this run starts: it will never read them, and
        // its summary says so. (A repeated attempt finds the watermark it placed itself, whose id says nothing.)
        const unreadBehindStart = watermark.cursor && !placedByThisRun && !cursorEquals(start, START_CURSOR)
          ? await freshnessStore.unreadBehind(trx, watermark.cursor.id, start.at)
          : 0;
        return { start, end, watermark: watermark.cursor, rowsToRead, startedAt: new Date().toISOString(), unreadBehindStart };
      });
      // A dry run moves nothing, so the watermark and the rows behind it are a real run's to report.
      if (!input.dryRun) metrics?.runPlanned({ watermarkAt: cursorEquals(result.start, START_CURSOR) ? null : result.start.at, rowsToRead: result.rowsToRead });
      return result;
    } catch (err) {
      throw classifyAndCount(metrics, err);
    }
  };
}
