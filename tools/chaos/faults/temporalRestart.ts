import { seconds, sleep } from '../util';
import { describeParked, FaultContext, Injection, newInjection, parkBatch } from './context';

/**
 * The Temporal dev server stopped (SIGTERM) and started again with the same state file while a batch is parked in
 * its transaction; the batch is let go while the server is away, so it commits with nobody to report to. Workers
 * must reconnect on their own; if the result is lost, the retry after the heartbeat timeout must be fenced. A worker
 * process that dies of the outage is restarted by the pool and reported.
 */
export async function restartTemporal(ctx: FaultContext): Promise<Injection> {
  const inj = newInjection(ctx, 'temporal-restart');
  const parked = await parkBatch(ctx);
  inj.batchFrom = parked?.from ?? (await ctx.observer.watermark()) ?? undefined;
  const quiet = () => undefined;
  const t0 = Date.now();
  try {
    await ctx.temporal.stop(quiet);
  } finally {
    // The parked batch now commits while the server is away: its result has nowhere to go.
    await ctx.gate.open();
  }
  inj.injected = true;
  const stopped = Date.now() - t0;
  await sleep(ctx.rng.int(1000, 4000));
  await ctx.temporal.start(quiet);
  inj.detail = `dev server SIGTERM with ${parked ? describeParked(parked) : 'no batch at the gate'}, released while it was down; stopped in ${seconds(stopped)}, ` +
    `answering again after ${seconds(Date.now() - t0)}, same --db-filename`;
  return inj;
}
