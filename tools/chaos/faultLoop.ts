import { FaultContext, Injection, pauseRun, resumeRun, waitForCommits } from './faults/context';
import { killDbConnection, restartMariaDb } from './faults/database';
import { freezeWorker, zombieAttempt } from './faults/freeze';
import { killAtFaultPoint, killRandomly } from './faults/kill';
import { concurrentStarts, scheduleTick } from './faults/starts';
import { restartTemporal } from './faults/temporalRestart';
import type { PlannedFault } from './options';
import { retrying } from './util';
import { checkPrefix, Difference } from './verify';
import type { StagingRow } from '../../src/domain/types';
import type { Oracle } from '../oracle/oracle';

/** No commit for this long while the run is open means it is stuck (the longest planned stall is a freeze: ~90 s). */
export const STUCK_MS = 240_000;

async function inject(kind: PlannedFault, ctx: FaultContext): Promise<Injection[]> {
  switch (kind) {
    case 'kill': return [await killRandomly(ctx)];
    case 'kill-before-commit': return [await killAtFaultPoint(ctx, 'before-commit')];
    case 'kill-after-commit': return [await killAtFaultPoint(ctx, 'after-commit')];
    case 'freeze': return [await freezeWorker(ctx)];
    case 'zombie': return [await zombieAttempt(ctx)];
    case 'db-conn-kill': return [await killDbConnection(ctx)];
    case 'db-restart': return [await restartMariaDb(ctx)];
    case 'temporal-restart': return [await restartTemporal(ctx)];
    case 'starts-round': return [...(await concurrentStarts(ctx)), await scheduleTick(ctx)];
  }
}

export interface LoopResult {
  injections: Injection[];
  prefixDifferences: Difference[];
  problems: string[];
}

/**
 * Injects the planned faults one after another while the run goes on: a random gap of 1-2 committed batches, the
 * fault, then the next commit (recovery), then a consistent read of the tables checked against the oracle up to
 * the watermark it shows. Ends early if the run closes or stops making progress.
 */
export async function runFaultLoop(ctx: FaultContext, plan: PlannedFault[], staging: readonly StagingRow[], oracle: Oracle): Promise<LoopResult> {
  const out: LoopResult = { injections: [], prefixDifferences: [], problems: [] };
  const ordinals = new Map<PlannedFault, number>();
  for (const [index, kind] of plan.entries()) {
    const gapOk = await waitForCommits(ctx, ctx.rng.int(1, 2), STUCK_MS);
    if (!(await retrying(() => ctx.runOpen()))) {
      out.problems.push(`the run ended before every fault was injected (${plan.length - index} of ${plan.length} left): use more --rows`);
      break;
    }
    if (!gapOk) {
      out.problems.push(`STUCK: no batch committed for ${STUCK_MS / 1000} s before fault ${index + 1} (${kind})`);
      break;
    }
    const ordinal = ordinals.get(kind) ?? 0;
    ordinals.set(kind, ordinal + 1);
    ctx.say(`fault ${index + 1}/${plan.length}: ${kind}`);
    const t0 = Date.now();
    // Whatever a fault did, the gate is open again before the harness waits for the run to move.
    const made = await inject(kind, { ...ctx, ordinal }).finally(() => ctx.gate.open());
    const recovered = await waitForCommits(ctx, 1, STUCK_MS);
    const recoveredMs = Date.now() - t0;
    // Paused while the harness reads and judges the tables (the read is consistent either way; this saves batches).
    const paused = recovered && (await pauseRun(ctx));
    const check = await retrying(() => checkPrefix(ctx.knex, staging, oracle), 120_000);
    for (const [i, inj] of made.entries()) {
      if (recovered) inj.recoveredMs = recoveredMs;
      // Counted once per fault, on its first injection, so the table's column adds up.
      if (i === 0) inj.differences = check.differences.length;
      const died = ctx.pool.unexpectedSince(t0);
      for (const e of died) inj.observed.push(`worker ${e.worker}: ${e.event}; restarted by the pool`);
      if (kind === 'temporal-restart' && died.length === 0) inj.observed.push('workers reconnected by themselves (no worker process exited)');
      ctx.say(`  ${inj.injected ? inj.detail : `not injected: ${inj.detail}`}${inj.observed.length ? ` | ${inj.observed.join(' | ')}` : ''}`);
    }
    ctx.say(`  tables vs oracle up to the watermark: ${check.differences.length} differences${recovered ? `; next commit after ${(recoveredMs / 1000).toFixed(1)} s` : ''}`);
    out.injections.push(...made);
    out.prefixDifferences.push(...check.differences);
    if (paused) await resumeRun(ctx);
    if (!recovered && (await retrying(() => ctx.runOpen()))) {
      out.problems.push(`STUCK: no batch committed for ${STUCK_MS / 1000} s after fault ${index + 1} (${kind})`);
      break;
    }
  }
  return out;
}
