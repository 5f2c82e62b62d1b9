import { cursorFromColumns } from '../../../src/domain/cursor';
import { retrying, waitFor } from '../util';
import { describeParked, FaultContext, Injection, newInjection, parkBatch, pauseRun, randomDelay, resumeRun } from './context';
import { BATCH_LOG_TABLE } from '../../../src/db/tables';

/**
 * SIGKILL a worker. Mostly (3 in 5) the one running a batch, with the batch parked inside its transaction at a
 * random statement; otherwise the worker holding the current attempt (or any) after a random delay, wherever it
 * happens to be. The pool restarts it. The attempt dies without a word, so Temporal retries it after the heartbeat
 * timeout, on any worker.
 */
export async function killRandomly(ctx: FaultContext): Promise<Injection> {
  const inj = newInjection(ctx, 'kill');
  try {
    const parked = ctx.rng.chance(0.6) ? await parkBatch(ctx) : undefined;
    let victim = parked?.worker;
    if (!parked) {
      await randomDelay(ctx, 1500);
      const pending = await ctx.observer.pendingBatch(ctx.main.workflowId).catch(() => undefined);
      victim = ctx.pool.byIdentity(pending?.workerIdentity);
      if (!victim || victim.exit || victim.frozen) victim = ctx.rng.pick(ctx.pool.live('normal'));
    }
    if (!victim) {
      inj.detail = 'no live worker to kill';
      return inj;
    }
    inj.batchFrom = parked?.from ?? (await ctx.observer.watermark()) ?? undefined;
    ctx.pool.kill(victim, 'SIGKILL by the harness');
    inj.injected = true;
    inj.detail = `SIGKILL ${victim.name} ${parked ? `with ${describeParked(parked)}` : 'at a random moment'}`;
    return inj;
  } finally {
    await ctx.gate.open();
  }
}

/**
 * A kill exactly before or after a batch's COMMIT: the harness's fault worker (faultWorker.ts) kills itself
 * there at its first batch, from a hook of applyBatch. The run is paused while it boots, so it competes for the
 * very next batches. Before the commit, the transaction dies with the connection and the retry applies the batch;
 * after it, the batch is in but Temporal never hears so, and the retry must find it committed and return that.
 */
export async function killAtFaultPoint(ctx: FaultContext, point: 'before-commit' | 'after-commit'): Promise<Injection> {
  const inj = newInjection(ctx, point === 'before-commit' ? 'kill-before-commit' : 'kill-after-commit');
  await pauseRun(ctx);
  const worker = await ctx.pool.start(point);
  await resumeRun(ctx);
  // A getter: the exit is set by an event handler while we wait, which TypeScript's narrowing cannot see.
  const exit = () => worker.exit;
  if (exit()) {
    inj.detail = `fault worker ${worker.name} (${point}) exited before it was ready`;
    inj.ok = false;
    return inj;
  }
  // Batches go to whichever worker polls first: keep going until the fault worker has drawn one.
  const died = await waitFor(async () => (exit() !== undefined || !(await ctx.runOpen()) ? true : undefined), 300_000, 100);
  const ended = exit();
  if (!died || !ended) {
    ctx.pool.kill(worker, 'the run ended before it drew a batch');
    inj.detail = `worker ${worker.name} never drew a batch before the run ended`;
    return inj;
  }
  inj.injected = ended.signal === 'SIGKILL';
  const watermark = await retrying(() => ctx.observer.watermark(), 60_000);
  if (point === 'before-commit') {
    inj.batchFrom = watermark ?? undefined;
  } else if (watermark) {
    // Committed, then killed: the batch is the ledger row that ends where the watermark now is.
    const row = (await ctx.knex(BATCH_LOG_TABLE).where({ to_at: watermark.at, to_id: watermark.id }).first()) as { from_at: string; from_id: string } | undefined;
    if (row) inj.batchFrom = cursorFromColumns(row.from_at, row.from_id);
  }
  inj.detail = `fault worker ${worker.name} (${point}) killed itself ${point === 'before-commit' ? 'just before' : 'just after'} COMMIT`;
  return inj;
}
