import type { Rng } from '../../src/demo/stagingGenerator';
import { ConfigError } from '../../src/errors';

export interface ChaosOptions {
  rows: number;
  batchSize: number;
  /** K: partitions per window of the run (docs/scaling.md); 1 is the batch path of old. */
  partitions: number;
  /** Worker SIGKILLs in all, of which about a quarter each at the before-commit and after-commit fault points. */
  kills: number;
  freeze: number;
  dbConnKills: number;
  dbRestarts: number;
  temporalRestarts: number;
  zombies: number;
  /** Rounds of simultaneous starts (the first is the run's own start), each followed by a schedule tick. */
  concurrentStarts: number;
  seed: number;
  /** Normal workers kept running (fault-point workers come on top). */
  workers: number;
  /** Keep the work folder (logs, datadirs) even when everything passed. */
  keep: boolean;
  workDir?: string;
}

/** The short version: a few kills and one of each other fault (what CI runs). */
export const DEFAULT_CHAOS_OPTIONS: ChaosOptions = {
  rows: 20000, batchSize: 50, partitions: 1, kills: 3, freeze: 1, dbConnKills: 1, dbRestarts: 1, temporalRestarts: 1, zombies: 1, concurrentStarts: 1,
  seed: 1, workers: 2, keep: false,
};

export type PlannedFault = 'kill' | 'kill-before-commit' | 'kill-after-commit' | 'freeze' | 'zombie' | 'db-conn-kill' | 'db-restart' | 'temporal-restart' | 'starts-round';

/** How `kills` splits: one of each point from 3 kills on, a quarter each from 8 on; the rest at random moments. */
export function killSplit(kills: number): { random: number; beforeCommit: number; afterCommit: number } {
  const atPoints = kills >= 3 ? Math.max(1, Math.floor(kills / 4)) : kills === 2 ? 1 : 0;
  return { random: kills - 2 * atPoints, beforeCommit: atPoints, afterCommit: atPoints };
}

/** Every fault after the opening race. */
function faultList(o: ChaosOptions): PlannedFault[] {
  const split = killSplit(o.kills);
  return [
    ...Array<PlannedFault>(split.random).fill('kill'),
    ...Array<PlannedFault>(split.beforeCommit).fill('kill-before-commit'),
    ...Array<PlannedFault>(split.afterCommit).fill('kill-after-commit'),
    ...Array<PlannedFault>(o.freeze).fill('freeze'),
    ...Array<PlannedFault>(o.zombies).fill('zombie'),
    ...Array<PlannedFault>(o.dbConnKills).fill('db-conn-kill'),
    ...Array<PlannedFault>(o.dbRestarts).fill('db-restart'),
    ...Array<PlannedFault>(o.temporalRestarts).fill('temporal-restart'),
    ...Array<PlannedFault>(Math.max(0, o.concurrentStarts - 1)).fill('starts-round'),
  ];
}

/** The faults in a seeded random order: the same seed gives the same sequence. */
export function planFaults(o: ChaosOptions, rng: Rng): PlannedFault[] {
  const plan = faultList(o);
  for (let i = plan.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [plan[i], plan[j]] = [plan[j], plan[i]];
  }
  return plan;
}

/** The input of every run the harness starts: the batch size, and K when it is not 1. */
export function syncInputOf(o: { batchSize: number; partitions: number }): { batchSize: number; partitions?: number } {
  return o.partitions > 1 ? { batchSize: o.batchSize, partitions: o.partitions } : { batchSize: o.batchSize };
}

/** Batches each fault may use up: the gap before it (1-2), the batch it hits, recovery, and the draws until a fault worker gets one. */
const BATCHES_PER_FAULT = 12;

export function checkOptions(o: ChaosOptions): void {
  // A partitioned run commits a window of batchSize × K rows at a time: that is its "batch" here.
  const batches = Math.ceil(o.rows / (o.batchSize * o.partitions));
  const faults = faultList(o).length;
  const needed = faults * BATCHES_PER_FAULT + 10;
  if (batches < needed) {
    throw new ConfigError(
      `${o.rows} rows at --batch-size ${o.batchSize} make ${batches} ${o.partitions > 1 ? `windows of ${o.partitions} partitions` : 'batches'}; ${faults} faults need about ${needed} so the run does not end before they are all injected.`,
      `Use --rows ${needed * o.batchSize * o.partitions} or a smaller --batch-size.`,
    );
  }
  if (o.workers < 2 && (o.freeze > 0 || o.zombies > 0)) throw new ConfigError('--freeze and --zombies need at least 2 workers: the batch must be retried on another one.');
}
