import type { SyncSummary } from '../../src/workflows/definitions';
import type { StagingRow } from '../../src/domain/types';
import { STUCK_MS } from './faultLoop';
import { FAULT_KINDS, FaultContext, FaultKind, Injection, waitForCommits } from './faults/context';
import { BatchOutcome, batchOutcomes, cursorKey } from './history';
import { checkLedger } from './ledger';
import { killSplit } from './options';
import type { Oracle } from '../oracle/oracle';
import { ChaosReport, FaultRow, summarizeRow } from './report';
import { retrying } from './util';
import { checkFinal, Difference } from './verify';

/** A short name for why an attempt failed, from the failure message the server recorded. */
function failureName(message: string | undefined): string {
  const m = message ?? '';
  if (/heartbeat/i.test(m)) return 'heartbeat timeout';
  if (/Connection lost|closed the connection|closed state|PROTOCOL_CONNECTION_LOST|ECONNRESET|EPIPE|Connection was killed/i.test(m)) return 'lost DB connection';
  if (/ECONNREFUSED|Cannot reach|ETIMEDOUT/i.test(m)) return 'DB unreachable';
  if (/shutdown|shutting down/i.test(m)) return 'DB shutting down';
  if (/Lock wait timeout/i.test(m)) return 'lock wait timeout';
  if (/Deadlock/i.test(m)) return 'deadlock';
  return m ? m.slice(0, 40) : 'unknown failure';
}

/** The outcome column: from history for faults that hit a batch, from what the harness saw for the others. */
function outcomeOf(inj: Injection, o: BatchOutcome | undefined): string {
  if (!inj.batchFrom) return inj.observed[0] ?? inj.detail;
  let s = !o ? 'batch not in history' : o.attempt === 1 ? 'batch needed no retry' :
    `${failureName(o.lastFailure)}, then retry${o.attempt > 2 ? ` (attempt ${o.attempt})` : ''} ${o.alreadyCommitted ? 'found it committed (fenced)' : 'applied it'}`;
  if (inj.observed.some((x) => /stale attempt found the watermark moved/.test(x))) s += '; the thawed stale attempt was fenced, wrote nothing';
  // Frozen inside its transaction, the old attempt kept the row lock: thawed, it committed before the queued retry.
  if (inj.kind === 'freeze' && o?.alreadyCommitted) s += '; the thawed attempt had committed it';
  return s;
}

function requestedOf(kind: FaultKind, r: ChaosReport): number {
  const o = r.options;
  const split = killSplit(o.kills);
  const table: Record<FaultKind, number> = {
    kill: split.random, 'kill-before-commit': split.beforeCommit, 'kill-after-commit': split.afterCommit, freeze: o.freeze, zombie: o.zombies,
    'db-conn-kill': o.dbConnKills, 'db-restart': o.dbRestarts, 'temporal-restart': o.temporalRestarts,
    'start-same-id': o.concurrentStarts, 'start-other-id': o.concurrentStarts, 'schedule-tick': o.concurrentStarts,
  };
  return table[kind];
}

/** Waits for the run to end (or to be found stuck), then the final checks, the outcomes from history and the table. */
export async function finishRun(ctx: FaultContext, report: ChaosReport, staging: readonly StagingRow[], oracle: Oracle, prefixDifferences: Difference[]): Promise<void> {
  const problems = report.problems;
  while (await retrying(() => ctx.runOpen())) {
    if (!(await waitForCommits(ctx, 1, STUCK_MS)) && (await retrying(() => ctx.runOpen()))) {
      const pending = await ctx.observer.pendingBatch(ctx.main.workflowId).catch(() => undefined);
      problems.push(`STUCK: the run made no progress for ${STUCK_MS / 1000} s; pending batch: ${JSON.stringify(pending)}`);
      break;
    }
  }
  const handle = ctx.client.workflow.getHandle(ctx.main.workflowId);
  report.run.status = (await retrying(() => handle.describe())).status.name;
  let summary: SyncSummary | undefined;
  if (report.run.status === 'COMPLETED') {
    summary = (await handle.result()) as SyncSummary;
    Object.assign(report.run, { batches: summary.batches, rowsRead: summary.rowsRead, counts: summary.counts });
  } else {
    problems.push(`the run ended ${report.run.status}, not COMPLETED`);
  }

  const final = await retrying(() => checkFinal(ctx.knex, staging, oracle));
  const last = staging.length ? { at: staging[staging.length - 1].src_updated_at, id: staging[staging.length - 1].id } : null;
  const ledger = await retrying(() => checkLedger(ctx.knex, ctx.main.pipelineRunId, last, staging.length));
  report.run.expectedCounts = final.expected.counts;
  const counts: Difference[] = summary && JSON.stringify(summary.counts) !== JSON.stringify(final.expected.counts)
    ? [{ table: 'counts', key: 'summary', detail: `the run reported ${JSON.stringify(summary.counts)}, the oracle says ${JSON.stringify(final.expected.counts)}` }]
    : [];
  const finalDifferences = [...final.differences, ...ledger, ...counts];

  const outcomes = await retrying(() => batchOutcomes(ctx.client, ctx.main.workflowId, ctx.main.pipelineRunId)).catch(() => new Map<string, BatchOutcome>());
  for (const inj of report.injections) inj.outcome = outcomeOf(inj, inj.batchFrom ? outcomes.get(cursorKey(inj.batchFrom)) : undefined);

  const rows: FaultRow[] = FAULT_KINDS.map((kind) => summarizeRow(kind, requestedOf(kind, report), report.injections.filter((i) => i.kind === kind)));
  rows.push({
    fault: 'whole run vs oracle: products, change log (no duplicate, no gap), rejects, watermark, batch ledger, counts',
    kind: 'final', requested: 1, injected: 1,
    outcome: `${report.run.status}, ${report.run.batches} batches, ${report.run.rowsRead} rows read${counts.length === 0 && summary ? ', counts equal the oracle\'s' : ''}`,
    differences: finalDifferences.length,
  });
  report.rows = rows;
  report.differences = [...prefixDifferences, ...finalDifferences].slice(0, 200);

  for (const row of rows) if (row.injected < row.requested) problems.push(`${row.fault}: ${row.injected} of ${row.requested} injected`);
  for (const inj of report.injections) if (inj.injected && !inj.ok) problems.push(`${inj.kind}: ${inj.detail} | ${inj.observed.join(' | ')}`);
  if (prefixDifferences.length) problems.push(`${prefixDifferences.length} differences from the oracle in the checks after faults`);
  if (finalDifferences.length) problems.push(`${finalDifferences.length} differences from the oracle at the end`);
}
