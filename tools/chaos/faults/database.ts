import { seconds, sleep } from '../util';
import { describeParked, FaultContext, Injection, newInjection, parkBatch } from './context';

/**
 * `KILL CONNECTION` (from the harness's own session) on the worker connection whose batch is parked inside its
 * transaction, holding the watermark row lock: the server rolls the half-written batch back, the activity fails with
 * a lost connection, and the retry applies the whole batch. Nothing of the killed transaction may remain.
 */
export async function killDbConnection(ctx: FaultContext): Promise<Injection> {
  const inj = newInjection(ctx, 'db-conn-kill');
  try {
    const parked = await parkBatch(ctx);
    if (!parked) {
      inj.detail = 'no batch came to the gate';
      return inj;
    }
    inj.batchFrom = parked.from;
    await ctx.observer.killConnection(parked.thread);
    inj.injected = true;
    inj.detail = `KILL CONNECTION ${parked.thread}${parked.worker ? ` (${parked.worker.name})` : ''} with ${describeParked(parked)}`;
    return inj;
  } finally {
    await ctx.gate.open();
  }
}

/**
 * MariaDB stopped and started on the same datadir while a batch runs. Odd-numbered restarts are a clean shutdown
 * (SIGTERM: the server rolls back open transactions and tells clients it is going away), even-numbered ones a crash
 * (SIGKILL: InnoDB crash recovery on start). Activities fail and retry with backoff until the server is back.
 */
export async function restartMariaDb(ctx: FaultContext): Promise<Injection> {
  const inj = newInjection(ctx, 'db-restart');
  const mode = ctx.ordinal % 2 === 0 ? 'shutdown' : 'crash';
  const parked = await parkBatch(ctx);
  inj.batchFrom = parked?.from ?? (await ctx.observer.watermark()) ?? undefined;
  const downFor = ctx.rng.int(2000, 6000);
  const t0 = Date.now();
  await ctx.mariadb.stop(mode);
  const stopped = Date.now() - t0;
  inj.injected = true;
  await ctx.gate.open(); // its lock went with the server
  await sleep(downFor);
  await ctx.mariadb.start();
  inj.detail = `${mode === 'crash' ? 'SIGKILL (crash)' : 'SIGTERM (clean shutdown)'} with ${parked ? describeParked(parked) : 'no batch at the gate'}; ` +
    `stopped in ${seconds(stopped)}, down ${seconds(Date.now() - t0)} in all, same datadir`;
  return inj;
}
