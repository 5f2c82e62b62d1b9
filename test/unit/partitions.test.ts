/** Partitioned windows in the run's state, input and details (docs/scaling.md): pure, no server. */
import { START_CURSOR } from '../../src/domain/cursor';
import { zeroCounts } from '../../src/domain/outcome';
import { fnv1a32, partitionOf } from '../../src/domain/partition';
import { renderDetails } from '../../src/workflows/details';
import { parseOptions, RunOptions } from '../../src/workflows/options';
import { SyncRun } from '../../src/workflows/runState';

const base: RunOptions = { batchSize: 100, resume: true, dryRun: false, lookbackSeconds: 0, maxBatchesPerRun: 3 };
const plan = { start: START_CURSOR, end: { at: '2026-01-01 00:00:01.000000', id: '9' }, watermark: null, rowsToRead: 9, startedAt: '2026-01-01T10:00:00.000Z' };

describe('the partitions input', () => {
  it('is optional, left out of the options when 1, and refused with a clear message when not 1 to 32', () => {
    expect(parseOptions({})).toEqual({ ...base, batchSize: 1000, maxBatchesPerRun: 2000 });
    expect(parseOptions({ partitions: 1 })).not.toHaveProperty('partitions');
    expect(parseOptions({ partitions: 4 }).partitions).toBe(4);
    for (const bad of [0, 33, 2.5, '4', null]) {
      expect(() => parseOptions({ partitions: bad as never })).toThrow(`Invalid workflow input: partitions must be a whole number from 1 to 32 (got ${JSON.stringify(bad)})`);
    }
  });
});

describe('SyncRun with partitions', () => {
  it('shows nothing new for a run that never had K > 1', () => {
    const run = new SyncRun(base);
    run.plan(plan);
    expect(run.nextPartitions()).toBe(1);
    expect(run.progress()).not.toHaveProperty('partitions');
    expect(run.continuedState()).not.toHaveProperty('partitions');
    expect(run.details()).not.toMatch(/partitions/);
  });

  it('takes K from the input, changes it from the next window, shows the window in flight, carries K across continue-as-new', () => {
    const run = new SyncRun({ ...base, partitions: 4 });
    run.plan(plan);
    expect(run.nextPartitions()).toBe(4);
    run.windowStarted(4, 400);
    expect(run.setPartitions(2)).toBe(4);
    run.partitionCommitted(0);
    run.partitionCommitted(3);
    expect(run.progress()).toMatchObject({ partitions: 2, window: { partitions: 4, committed: 2, rows: 400 }, lockRetries: 3 });
    expect(run.details()).toContain('- partitions 2 · window of 400 rows: 2 of 4 partitions committed · lock retries 3');
    run.windowEnded();
    expect(run.progress()).not.toHaveProperty('window');
    expect(run.nextPartitions()).toBe(2);
    const carried = run.continuedState();
    expect(carried).toMatchObject({ partitions: 2, lockRetries: 3 });
    const next = new SyncRun(carried.options, carried);
    expect(next.nextPartitions()).toBe(2);
    expect(next.progress()).toMatchObject({ partitions: 2, lockRetries: 3 });
    expect(next.summary('completed')).toMatchObject({ partitions: 2, lockRetries: 3 });
    expect(new SyncRun(base).summary('completed')).not.toHaveProperty('lockRetries');
  });

  it('a dry run applies one batch at a time whatever K says', () => {
    const run = new SyncRun({ ...base, dryRun: true, partitions: 4 });
    run.plan(plan);
    expect(run.nextPartitions()).toBe(1);
  });

  it('renders the details of a run from before partitions exactly as before', () => {
    const progress = { state: 'running' as const, dryRun: false, cursor: null, endCursor: null, startCursor: null, batchesDone: 0, rowsRead: 0, rowsToRead: 0, counts: zeroCounts(), batchSize: 1, rowsPerSecond: 0, startedAt: null, continuedAsNew: 0 };
    expect(renderDetails(progress).split('\n')).toHaveLength(5);
  });
});

describe('partitionOf', () => {
  it('is FNV-1a of the normalised key, stable across versions (pinned values)', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(partitionOf({ id: '1', brand_code: ' belle', sku: 'x1' }, 7)).toBe(partitionOf({ id: '2', brand_code: 'ＢＥＬＬＥ', sku: 'X1 ' }, 7));
  });

  it('sends a row whose key does not normalise by its id', () => {
    expect(partitionOf({ id: '10', brand_code: null, sku: 'x' }, 4)).toBe(2);
    expect(partitionOf({ id: '11', brand_code: 'b', sku: '   ' }, 4)).toBe(3);
  });
});
