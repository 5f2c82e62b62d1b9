import { START_CURSOR } from '../../src/domain/cursor';
import { lagSeconds } from '../../src/domain/freshness';
import { zeroCounts } from '../../src/domain/outcome';
import type { BeginRunResult } from '../../src/shared/syncTypes';
import { SyncRun } from '../../src/workflows/runState';

describe('lagSeconds', () => {
  it('is the difference of two DATETIME(6) texts in seconds, to the millisecond, and never negative', () => {
    expect(lagSeconds('2026-01-01 00:00:00.000000', '2026-01-01 03:12:05.250999')).toBe(11525.25);
    expect(lagSeconds('2026-01-02 00:00:00.000000', '2026-01-01 00:00:00.000000')).toBe(0);
    expect(lagSeconds(START_CURSOR.at, '1000-01-01 00:00:01.000000')).toBe(1);
  });
});

describe('the progress query says how far the watermark is behind the newest staging row it knows', () => {
  const plan: BeginRunResult = {
    start: START_CURSOR, end: { at: '2026-01-01 02:00:00.000000', id: '300' }, watermark: null, rowsToRead: 300, startedAt: '2026-01-01T10:00:00.000Z', unreadBehindStart: 7,
  };

  it('none before the run is planned; then the lag of the cursor behind the end, in seconds and rows', () => {
    const run = new SyncRun({ batchSize: 100, resume: true, dryRun: false, lookbackSeconds: 0, maxBatchesPerRun: 10 });
    expect(run.progress().watermarkLag).toBeUndefined();
    run.plan(plan);
    run.account({
      from: START_CURSOR, to: { at: '2026-01-01 01:00:00.000000', id: '100' }, rowsRead: 100, counts: { ...zeroCounts(), inserted: 100 }, done: false,
      elapsedMs: 10, alreadyCommitted: false, finishedAt: '2026-01-01T10:00:01.000Z',
    });
    expect(run.progress().watermarkLag).toEqual({ seconds: 3600, rows: 200 });
    // The summary carries the warning about rows no resumed run reads.
    expect(run.summary('completed').unreadBehindStart).toBe(7);
  });
});
