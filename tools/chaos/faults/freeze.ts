import { Cursor, formatCursor } from '../../../src/domain/cursor';
import { sleep, waitFor } from '../util';
import type { ChaosWorker } from '../workers';
import { describeParked, FaultContext, HEARTBEAT_TIMEOUT_MS, Injection, newInjection, parkBatch, pauseRun, resumeRun } from './context';

/** How long past the heartbeat timeout a frozen worker stays frozen: long enough for the retry to start elsewhere. */
const FREEZE_MARGIN_MS = 6_000;
const FENCED_LINE = 'already committed by an earlier attempt';

/**
 * SIGSTOP the worker running a batch, with the batch parked inside its transaction, for longer than the heartbeat
 * timeout, then SIGCONT. The gate opens right after the SIGSTOP: the waiting statement completes in the server, but
 * COMMIT never comes, so the frozen transaction keeps the watermark row locked. Temporal gives the batch to
 * another worker after 30 s; that retry queues on the row lock. Thawed, the old attempt commits (its report to
 * Temporal is refused), and the queued retry finds the watermark moved and returns the committed outcome (read
 * from history afterwards). Either order would be safe: the check is that nothing is applied twice.
 */
export async function freezeWorker(ctx: FaultContext): Promise<Injection> {
  const inj = newInjection(ctx, 'freeze');
  let victim: ChaosWorker | undefined;
  try {
    const parked = await parkBatch(ctx);
    victim = parked?.worker;
    if (!parked || !victim) {
      inj.detail = 'no batch at the gate on a live worker to freeze';
      return inj;
    }
    inj.batchFrom = parked.from;
    ctx.pool.freeze(victim);
    inj.injected = true;
    inj.detail = `SIGSTOP ${victim.name} for ${(HEARTBEAT_TIMEOUT_MS + FREEZE_MARGIN_MS) / 1000} s (heartbeat timeout ${HEARTBEAT_TIMEOUT_MS / 1000} s) with ${describeParked(parked)}`;
  } finally {
    await ctx.gate.open();
  }
  await sleep(HEARTBEAT_TIMEOUT_MS + FREEZE_MARGIN_MS);
  const retry = await ctx.observer.pendingBatch(ctx.main.workflowId).catch(() => undefined);
  if (retry && retry.attempt > 1) {
    inj.observed.push(!retry.started ? `attempt ${retry.attempt} was scheduled, not yet started` : retry.workerIdentity === victim.identity
      ? `Temporal handed attempt ${retry.attempt} to the frozen ${victim.name} as well`
      : `while it was frozen, Temporal gave attempt ${retry.attempt} to ${ctx.pool.byIdentity(retry.workerIdentity)?.name ?? retry.workerIdentity}`);
  }
  ctx.pool.thaw(victim);
  // Who commits and who is fenced is read from history afterwards (finish.ts); here, only that the batch lands.
  const from = inj.batchFrom;
  if (from && !(await waitFor(() => ctx.observer.batchCommitted(from), 120_000, 250))) {
    inj.observed.push('the batch was not committed within 2 minutes of the thaw');
    inj.ok = false;
  }
  return inj;
}

/**
 * A stale attempt (a "zombie"): a worker is frozen while idle, with its task polls still open at the server, and
 * the next batch is handed to it. Nothing runs until the heartbeat timeout hands the batch to another worker, which
 * commits it. Only then is the zombie thawed: it runs its attempt, and the watermark fence must find the batch
 * committed and write nothing. Retried a few times, because the server may give the batch to a live worker instead.
 */
export async function zombieAttempt(ctx: FaultContext): Promise<Injection> {
  const inj = newInjection(ctx, 'zombie');
  for (let tries = 1; tries <= 4 && !inj.injected; tries++) {
    let victim: ChaosWorker | undefined;
    try {
      // Hold the busy worker's batch at the gate while another worker, idle and polling, is frozen.
      const busy = (await parkBatch(ctx))?.worker;
      const idle = ctx.pool.live('normal').filter((w) => w !== busy && !w.frozen);
      if (!busy || idle.length === 0) continue;
      victim = ctx.rng.pick(idle);
      ctx.pool.freeze(victim);
    } finally {
      await ctx.gate.open();
    }
    const frozen = victim;
    const handed = await waitFor(async () => {
      const p = await ctx.observer.pendingBatch(ctx.main.workflowId);
      return p?.started && p.workerIdentity === frozen.identity ? p : undefined;
    }, 20_000, 50);
    if (!handed) {
      ctx.pool.thaw(frozen);
      inj.observed.push(`try ${tries}: no batch was handed to frozen ${frozen.name} within 20 s`);
      continue;
    }
    inj.injected = true;
    const from = await ctx.observer.watermark();
    inj.batchFrom = from ?? undefined;
    inj.detail = `${frozen.name} frozen idle; Temporal handed it attempt ${handed.attempt} of the next batch; thawed only after the retry committed that batch elsewhere`;
    const committed = from ? await waitFor(() => ctx.observer.batchCommitted(from), 300_000, 250) : undefined;
    if (!committed) {
      inj.observed.push('the retry did not commit the batch within 5 minutes');
      inj.ok = false;
    }
    const logOffset = ctx.pool.logOf(frozen).length;
    // The run is held while the harness waits up to 45 s for the zombie's log line: at full speed the other workers
    // used to run through every remaining batch in that time, and the short run ended before its last faults. The
    // stale attempt does not need the run to move; the fault loop waits for the next commit after this returns.
    // Thawed first: while frozen it may hold another batch's attempt, which the pause would wait 30 s for.
    ctx.pool.thaw(frozen);
    const paused = await pauseRun(ctx);
    try {
      await reportThawedZombie(ctx, inj, frozen, logOffset);
    } finally {
      if (paused) await resumeRun(ctx);
    }
  }
  if (!inj.injected) inj.detail = 'could not get a batch handed to a frozen worker';
  return inj;
}

/**
 * What the thawed zombie did, from its own log (workers run with LOG_LEVEL=INFO for this line). The batch was
 * committed elsewhere before the thaw, so every attempt the zombie still holds is stale and must be fenced.
 */
async function reportThawedZombie(ctx: FaultContext, inj: Injection, thawed: ChaosWorker, logOffset: number): Promise<void> {
  const since = () => ctx.pool.logOf(thawed).slice(logOffset);
  const fenced = await waitFor(async () => since().includes(FENCED_LINE), 45_000, 250);
  const failure = inj.batchFrom ? staleFailure(since(), inj.batchFrom) : undefined;
  if (fenced) inj.observed.push(`thawed ${thawed.name}: its stale attempt found the watermark moved and returned the committed batch, writing nothing`);
  else if (/WatermarkMoved/.test(since())) inj.observed.push(`thawed ${thawed.name}: its stale attempt failed with WatermarkMoved, writing nothing`);
  else if (failure !== undefined) {
    // Not a fence: the stale attempt should find the batch committed. How the watermark lock's deadlock was found
    // (2026-12-04, fixed in watermarkStore.lock), so it fails the fault, naming the error.
    inj.observed.push(`thawed ${thawed.name}: its stale attempt failed (${failure}) instead of being fenced`);
    inj.ok = false;
  } else if (inj.batchFrom && !since().includes(fromField(inj.batchFrom))) {
    // Seen on 2026-12-04: the server had handed the task to the frozen worker's open poll, but the freeze outlived
    // the poll's connection, so the task never reached the worker (its log shows the polls failing and reconnecting).
    // There is no stale attempt to fence then, and nothing was written (the tables are checked right after).
    const pollsBroke = /poll_activity_task_queue/.test(since());
    inj.observed.push(`thawed ${thawed.name}: the stale attempt never ran (no log line for its batch${pollsBroke ? '; the polls its freeze outlived failed and reconnected' : ''}), so nothing could be written`);
  } else {
    inj.observed.push(`thawed ${thawed.name}: NO fenced log line from its stale attempt within 45 s`);
    inj.ok = false;
  }
  if (thawed.exit) inj.observed.push(`${thawed.name} exited after the thaw (${thawed.exit.signal ?? thawed.exit.code})`);
}

/** The `from` field of the worker's JSON log lines about the batch that starts at `from`. */
const fromField = (from: Cursor): string => `"from":${JSON.stringify(formatCursor(from))}`;

/** The error of a "batch failed" line the worker logged for the batch starting at `from`, if there is one. */
function staleFailure(log: string, from: Cursor): string | undefined {
  const field = fromField(from);
  for (const line of log.split('\n')) {
    if (!line.includes(field) || !line.includes('"msg":"batch failed"')) continue;
    try {
      return String((JSON.parse(line) as { error?: unknown }).error ?? 'an error');
    } catch {
      return 'an error';
    }
  }
  return undefined;
}
