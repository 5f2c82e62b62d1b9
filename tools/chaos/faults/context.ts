import type { Client } from '@temporalio/client';
import type { Knex } from 'knex';
import type { Cursor } from '../../../src/domain/cursor';
import type { Rng } from '../../../src/demo/stagingGenerator';
import type { RunOwner } from '../../../src/shared/syncTypes';
import type { OwnMariaDb } from '../mariadb';
import { GATE_TABLES, BatchGate, ParkedBatch } from '../gate';
import type { Observer } from '../observe';
import type { OwnTemporal } from '../temporal';
import { pauseSignal, progressQuery, resumeSignal } from '../../../src/workflows/definitions';
import { retrying, sleep, waitFor } from '../util';
import type { ChaosWorker, WorkerPool } from '../workers';

export const FAULT_KINDS = [
  'kill', 'kill-before-commit', 'kill-after-commit', 'freeze', 'zombie', 'db-conn-kill', 'db-restart', 'temporal-restart',
  'start-same-id', 'start-other-id', 'schedule-tick',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** One injected fault: what was done, what the harness saw, and (filled in later) what history and the tables say. */
export interface Injection {
  kind: FaultKind;
  /** ms since the harness started. */
  at: number;
  injected: boolean;
  detail: string;
  observed: string[];
  /** The start cursor of the batch the fault hit, to look it up in the workflow's history afterwards. */
  batchFrom?: Cursor;
  /** From the fault to the next committed batch. */
  recoveredMs?: number;
  /** From history: which attempt counted and whether it was fenced. */
  outcome?: string;
  /** Differences between the tables and the oracle (prefix up to the watermark) right after recovery. */
  differences: number;
  /** False when an expectation of this fault failed (a second run was not refused, a thawed attempt wrote, ...). */
  ok: boolean;
}

/** The heartbeat timeout of applyBatch in src/workflows/productSync.ts: how long a silent attempt keeps its batch. */
export const HEARTBEAT_TIMEOUT_MS = 30_000;

export interface FaultContext {
  say: (line: string) => void;
  rng: Rng;
  pool: WorkerPool;
  observer: Observer;
  knex: Knex;
  mariadb: OwnMariaDb;
  temporal: OwnTemporal;
  client: Client;
  gate: BatchGate;
  taskQueue: string;
  batchSize: number;
  partitions: number;
  main: RunOwner;
  startedAt: number;
  /** How many of this kind were injected before (e.g. to alternate clean shutdown and crash). */
  ordinal: number;
  /** False once the main run has closed: there is nothing left to hit. */
  runOpen(): Promise<boolean>;
}

export function newInjection(ctx: FaultContext, kind: FaultKind): Injection {
  return { kind, at: Date.now() - ctx.startedAt, injected: false, detail: '', observed: [], differences: 0, ok: true };
}

/** A batch held at the gate, inside its transaction, and the worker running it. */
export interface Parked extends ParkedBatch {
  worker: ChaosWorker | undefined;
  /** Its start cursor: the committed watermark (what it has written is not visible yet). */
  from: Cursor | undefined;
}

/**
 * Parks the next batch inside its transaction at a random one of the statements after the watermark lock (see
 * gate.ts) and names the worker running it (the attempt's lastWorkerIdentity). The caller opens the gate again.
 */
export async function parkBatch(ctx: FaultContext): Promise<Parked | undefined> {
  await ctx.gate.close(ctx.rng.pick(GATE_TABLES));
  const parked = await ctx.gate.parked(60_000);
  if (!parked) {
    await ctx.gate.open();
    return undefined;
  }
  const pending = await ctx.observer.pendingBatch(ctx.main.workflowId).catch(() => undefined);
  const worker = ctx.pool.byIdentity(pending?.started ? pending.workerIdentity : undefined);
  return { ...parked, worker: worker && !worker.exit && !worker.frozen ? worker : undefined, from: (await ctx.observer.watermark()) ?? undefined };
}

export const describeParked = (p: Parked): string =>
  `its batch parked inside the transaction at the ${p.table} statement (${p.rowsModified} rows written, not committed)`;

/**
 * Waits until `n` more batches have committed; false when the run closed first or nothing moved for `timeoutMs`
 * (a stuck run: the caller reports it).
 */
export async function waitForCommits(ctx: FaultContext, n: number, timeoutMs: number): Promise<boolean> {
  const before = await waitFor(() => ctx.observer.committedBatches(), timeoutMs, 250);
  if (before === undefined) return false;
  let last = before;
  let lastMove = Date.now();
  const result = await waitFor(async () => {
    const now = await ctx.observer.committedBatches().catch(() => last);
    if (now !== last) [last, lastMove] = [now, Date.now()];
    if (now - before >= n) return 'reached';
    if (Date.now() - lastMove > timeoutMs) return 'stuck';
    // Asking Temporal every poll would be wasteful: only when nothing has moved for a while.
    if (Date.now() - lastMove > 2000 && !(await ctx.runOpen())) return 'closed';
    return undefined;
  }, timeoutMs * 10, 100);
  return result === 'reached';
}

export const randomDelay = (ctx: FaultContext, maxMs: number): Promise<void> => sleep(ctx.rng.int(0, maxMs));

/**
 * Pauses the run (the product's own `pause` signal: the batch in flight commits, then the run waits) while the
 * harness does slow work of its own, so the run does not race through its batches meanwhile. False if the run
 * has already closed.
 */
export async function pauseRun(ctx: FaultContext): Promise<boolean> {
  const handle = ctx.client.workflow.getHandle(ctx.main.workflowId);
  try {
    await retrying(() => handle.signal(pauseSignal), 60_000);
  } catch {
    return false;
  }
  const paused = await waitFor(async () => {
    if (!(await ctx.runOpen())) return 'closed';
    return (await handle.query(progressQuery)).state === 'paused' ? 'paused' : undefined;
  }, 300_000, 200);
  return paused === 'paused';
}

export async function resumeRun(ctx: FaultContext): Promise<void> {
  await retrying(() => ctx.client.workflow.getHandle(ctx.main.workflowId).signal(resumeSignal), 60_000).catch(() => undefined);
}
