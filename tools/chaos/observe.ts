import type { Client, WorkflowExecutionStatusName } from '@temporalio/client';
import type { Knex } from 'knex';
import { Cursor, nullableCursorFromColumns } from '../../src/domain/cursor';
import { BATCH_LOG_TABLE, WATERMARK_TABLE } from '../../src/db/tables';

/** The applyBatch (or applyPartition) attempt Temporal currently has out, as `describe()` (what the UI shows) reports it. */
export interface PendingBatch {
  attempt: number;
  started: boolean;
  workerIdentity: string;
  lastFailure: string | undefined;
}

/** PENDING_ACTIVITY_STATE_STARTED in Temporal's API enum. */
const STARTED = 2;

/** Read-only looks at the run, from Temporal's side and the database's; every one may throw during an outage. */
export class Observer {
  constructor(private readonly client: Client, private readonly knex: Knex) {}

  async status(workflowId: string, temporalRunId?: string): Promise<WorkflowExecutionStatusName> {
    return (await this.client.workflow.getHandle(workflowId, temporalRunId).describe()).status.name;
  }

  async pendingBatch(workflowId: string): Promise<PendingBatch | undefined> {
    const d = await this.client.workflow.getHandle(workflowId).describe();
    // A partitioned run (docs/scaling.md) has up to K partitions out at once: the first one a worker has started.
    const applying = (d.raw.pendingActivities ?? []).filter((a) => a.activityType?.name === 'applyBatch' || a.activityType?.name === 'applyPartition');
    const p = applying.find((a) => Number(a.state) === STARTED) ?? applying[0];
    if (!p) return undefined;
    return { attempt: p.attempt ?? 1, started: Number(p.state) === STARTED, workerIdentity: p.lastWorkerIdentity ?? '', lastFailure: p.lastFailure?.message ?? undefined };
  }

  /** Committed batches so far (all runs): the harness's measure of progress. */
  async committedBatches(): Promise<number> {
    const [[row]] = (await this.knex.raw(`SELECT COUNT(*) AS n FROM ${BATCH_LOG_TABLE}`)) as [[{ n: string | number }]];
    return Number(row.n);
  }

  async watermark(): Promise<Cursor | null> {
    const r = (await this.knex(WATERMARK_TABLE).select('last_processed_at', 'last_processed_id').first()) as { last_processed_at: string | null; last_processed_id: string | null } | undefined;
    return r ? nullableCursorFromColumns(r.last_processed_at, r.last_processed_id) : null;
  }

  /** Whether a batch that started at `from` has committed (the ledger row is written in the batch's transaction). */
  async batchCommitted(from: Cursor): Promise<boolean> {
    const r = await this.knex(BATCH_LOG_TABLE).where({ from_at: from.at, from_id: from.id }).first();
    return r !== undefined;
  }

  async killConnection(thread: number): Promise<void> {
    await this.knex.raw(`KILL CONNECTION ${Math.trunc(thread)}`);
  }
}
