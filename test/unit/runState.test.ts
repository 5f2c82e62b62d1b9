import { START_CURSOR } from '../../src/domain/cursor';
import { OutcomeCounts, zeroCounts } from '../../src/domain/outcome';
import type { ApplyBatchResult, BeginRunResult, DryRunSample } from '../../src/shared/syncTypes';
import type { RunOptions } from '../../src/workflows/options';
import { ContinuedState, SyncRun } from '../../src/workflows/runState';

const options: RunOptions = { batchSize: 100, resume: true, dryRun: false, lookbackSeconds: 0, maxBatchesPerRun: 3 };
const at = (n: number) => ({ at: `2026-01-01 00:00:00.${String(n).padStart(6, '0')}`, id: String(n) });
const END = at(1000);

const plan = (over: Partial<BeginRunResult> = {}): BeginRunResult => ({
  start: START_CURSOR, end: END, watermark: null, rowsToRead: 1000, startedAt: '2026-01-01T10:00:00.000Z', ...over,
});

const counts = (over: Partial<OutcomeCounts> = {}): OutcomeCounts => ({ ...zeroCounts(), ...over });

function batch(to: number, over: Partial<ApplyBatchResult> = {}): ApplyBatchResult {
  return {
    from: START_CURSOR, to: at(to), rowsRead: 100, counts: counts({ inserted: 60, updated: 30, rejected: 10 }), done: false,
    elapsedMs: 50, alreadyCommitted: false, finishedAt: '2026-01-01T10:00:01.000Z', ...over,
  };
}

function plannedRun(opts: RunOptions = options, p = plan()): SyncRun {
  const run = new SyncRun(opts, undefined);
  run.plan(p);
  return run;
}

describe('SyncRun before it is planned', () => {
  const run = new SyncRun(options);

  it('reports a starting run with nothing read and the input batch size', () => {
    expect(run.planned).toBe(false);
    expect(run.progress()).toEqual({
      state: 'starting', dryRun: false, cursor: null, endCursor: null, startCursor: null, batchesDone: 0, rowsRead: 0,
      rowsToRead: 0, counts: zeroCounts(), batchSize: 100, rowsPerSecond: 0, startedAt: null, continuedAsNew: 0,
    });
  });

  it('summarises an empty run (cancelled before the plan)', () => {
    expect(run.summary('cancelled')).toEqual({
      status: 'cancelled', dryRun: false, batches: 0, rowsRead: 0, counts: zeroCounts(), startCursor: null, endCursor: null,
      finalCursor: null, startedAt: null, finishedAt: null, durationMs: 0, rowsPerSecond: 0,
    });
  });

  it('refuses batch work until the range is fixed', () => {
    expect(() => run.nextBatch()).toThrow(/no plan yet/);
    expect(() => run.account(batch(100))).toThrow(/no plan yet/);
  });
});

describe('SyncRun planning', () => {
  it('starts at the plan start and carries the options, size and pause asked for so far', () => {
    const run = new SyncRun(options);
    run.setBatchSize(250);
    run.pause();
    run.plan(plan());
    expect(run.progress()).toMatchObject({ state: 'pausing', cursor: START_CURSOR, startCursor: START_CURSOR, endCursor: END, rowsToRead: 1000, batchSize: 250 });
    expect(run.nextBatch()).toEqual({ from: START_CURSOR, end: END, batchSize: 250, dryRun: false });
    expect(run.continuedState()).toMatchObject({ options, batchSize: 250, paused: true, batchesDone: 0, lastFinishedAt: '2026-01-01T10:00:00.000Z' });
  });

  it('is done at once when staging was empty (no end) or the start is already at the end', () => {
    expect(plannedRun(options, plan({ end: null, rowsToRead: 0 })).done).toBe(true);
    expect(plannedRun(options, plan({ start: END })).done).toBe(true);
    expect(plannedRun().done).toBe(false);
  });

  it('stays cancelling when the cancel came while the plan was being made', () => {
    const run = new SyncRun(options);
    run.requestCancel();
    run.plan(plan());
    expect(run.progress().state).toBe('cancelling');
    expect(run.cancelRequested).toBe(true);
  });
});

describe('SyncRun accounting', () => {
  it('adds up batches: cursor, batches, rows, counts, rate and the last finish time', () => {
    const run = plannedRun();
    run.account(batch(100, { counts: counts({ inserted: 90, rejected: 10 }), elapsedMs: 40 }));
    run.account(batch(200, { counts: counts({ updated: 50, unchanged: 45, stale: 5 }), elapsedMs: 60, finishedAt: '2026-01-01T10:00:02.500Z' }));
    expect(run.progress()).toMatchObject({
      state: 'running', cursor: at(200), batchesDone: 2, rowsRead: 200,
      counts: { inserted: 90, updated: 50, unchanged: 45, stale: 5, rejected: 10 }, rowsPerSecond: 2000,
    });
    expect(run.nextBatch().from).toEqual(at(200));
    expect(run.summary('completed')).toMatchObject({ batches: 2, rowsRead: 200, finalCursor: at(200), finishedAt: '2026-01-01T10:00:02.500Z', durationMs: 2500, rowsPerSecond: 2000 });
  });

  it('counts a batch an earlier attempt had committed exactly once, like any other', () => {
    const fresh = plannedRun();
    const fenced = plannedRun();
    fresh.account(batch(100));
    fenced.account(batch(100, { alreadyCommitted: true }));
    expect(fenced.summary('completed')).toEqual(fresh.summary('completed'));
    expect(fenced.progress().batchesDone).toBe(1);
  });

  it('takes the batch\'s own word on the end, not the cursor', () => {
    const run = plannedRun();
    run.account(batch(400, { done: true }));
    expect(run.done).toBe(true);
    const short = plannedRun();
    short.account(batch(1000, { done: false }));
    expect(short.done).toBe(false);
  });

  it('keeps at most ten rejects and ten changes of a dry run, in arrival order', () => {
    const sample = (from: number, n: number): DryRunSample => ({
      rejects: Array.from({ length: n }, (_, i) => ({ stagingId: String(from + i), reason: 'MISSING_SKU', message: 'sku is missing' })),
      changes: Array.from({ length: n }, (_, i) => ({ brandCode: 'B', sku: `S${from + i}`, changeType: 'INSERT' as const, changedFields: ['name'] })),
    });
    const run = plannedRun({ ...options, dryRun: true });
    run.account(batch(100));
    expect(run.summary('completed')).not.toHaveProperty('sample');
    run.account(batch(200, { sample: sample(1, 6) }));
    run.account(batch(300, { sample: sample(7, 6) }));
    run.account(batch(400));
    const s = run.summary('completed');
    expect(s.dryRun).toBe(true);
    expect(s.sample?.rejects.map((r) => r.stagingId)).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
    expect(s.sample?.changes).toHaveLength(10);
  });

  it('reports no rate before any processing time', () => {
    const run = plannedRun();
    run.account(batch(100, { rowsRead: 0, elapsedMs: 0 }));
    expect(run.progress().rowsPerSecond).toBe(0);
  });
});

describe('SyncRun pause, batch size and cancel', () => {
  it('is pausing while the batch in flight commits, paused while it waits, running after resume', () => {
    const run = plannedRun();
    run.pause();
    expect(run.paused).toBe(true);
    expect(run.progress().state).toBe('pausing');
    run.setWaitingWhilePaused(true);
    expect(run.progress().state).toBe('paused');
    run.resume();
    expect(run.progress().state).toBe('running');
    run.setWaitingWhilePaused(false);
    expect(run.paused).toBe(false);
  });

  it('shows a pause as asked for only once the run is running', () => {
    const run = new SyncRun(options);
    run.pause();
    expect(run.progress().state).toBe('starting');
    run.finish();
    expect(run.progress().state).toBe('finished');
  });

  it('applies a new batch size from the next batch and returns the one it replaces', () => {
    const run = plannedRun();
    expect(run.setBatchSize(500)).toBe(100);
    expect(run.setBatchSize(20)).toBe(500);
    expect(run.nextBatch().batchSize).toBe(20);
    expect(run.progress().batchSize).toBe(20);
  });

  it('cancelling shows until the run finishes; a cancel after finishing leaves it finished', () => {
    const run = plannedRun();
    run.requestCancel();
    expect(run.progress().state).toBe('cancelling');
    run.finish();
    expect(run.progress().state).toBe('finished');
    const done = plannedRun();
    done.finish();
    done.requestCancel();
    expect(done.progress().state).toBe('finished');
    expect(done.cancelRequested).toBe(true);
  });
});

describe('SyncRun across continue-as-new', () => {
  it('continues after maxBatchesPerRun batches of this execution, or when Temporal suggests it, never at the end', () => {
    const run = plannedRun();
    run.account(batch(100));
    expect(run.shouldContinueAsNew(false)).toBe(false);
    expect(run.shouldContinueAsNew(true)).toBe(true);
    run.account(batch(200));
    run.account(batch(300));
    expect(run.shouldContinueAsNew(false)).toBe(true);
    const ending = plannedRun();
    ending.account(batch(1000, { done: true }));
    expect(ending.shouldContinueAsNew(true)).toBe(false);
  });

  it('hands on totals, the latest size and pause, one more continuation; the next execution picks them up', () => {
    const first = plannedRun();
    for (const to of [100, 200, 300]) first.account(batch(to));
    first.setBatchSize(40);
    first.pause();
    const carried: ContinuedState = JSON.parse(JSON.stringify(first.continuedState()));
    expect(carried).toMatchObject({ cursor: at(300), batchSize: 40, paused: true, batchesDone: 3, rowsRead: 300, processingMs: 150, continuedAsNew: 1 });

    const second = new SyncRun(carried.options, carried);
    expect(second.planned).toBe(true);
    expect(second.paused).toBe(true);
    expect(second.progress()).toMatchObject({ state: 'pausing', cursor: at(300), batchesDone: 3, rowsRead: 300, batchSize: 40, continuedAsNew: 1 });
    second.resume();
    second.account(batch(400));
    // The threshold counts this execution's batches only, not the 3 carried over.
    expect(second.shouldContinueAsNew(false)).toBe(false);
    expect(second.summary('completed')).toMatchObject({ batches: 4, rowsRead: 400, counts: { inserted: 240, updated: 120, rejected: 40 } });
  });
});

describe('SyncRun details', () => {
  it('renders the progress for the UI', () => {
    const run = plannedRun();
    run.account(batch(250, { rowsRead: 250, elapsedMs: 100 }));
    const text = run.details();
    expect(text).toContain('**products sync** · running · batch size 100');
    expect(text).toContain('rows: 250 of 1,000 (25%) · 2,500 rows/s');
    expect(text).toContain(`cursor (${at(250).at}, 250)`);
  });
});
