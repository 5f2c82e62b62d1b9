/**
 * The live progress of `sync` and `status --follow` when stderr is a file or a pipe (CI, `2> log`): one line each
 * time the text changes, in the command's own format, and a word when no worker answers.
 */
import { PassThrough } from 'node:stream';
import { progressBar } from '../../src/cli/format/progress';
import { progressView } from '../../src/cli/progressView';
import type { SyncProgress } from '../../src/workflows/definitions';

const progress = (rowsRead: number, state: SyncProgress['state'] = 'running'): SyncProgress => ({
  state, dryRun: false, cursor: null, endCursor: null, startCursor: null, batchesDone: rowsRead / 100, rowsRead, rowsToRead: 1000,
  counts: { inserted: rowsRead, updated: 0, unchanged: 0, stale: 0, rejected: 0 }, batchSize: 100, rowsPerSecond: 500,
  startedAt: null, continuedAsNew: 0,
});

function capture(): { stream: NodeJS.WriteStream; lines: () => string[] } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (d: Buffer) => (text += d.toString()));
  return { stream: stream as unknown as NodeJS.WriteStream, lines: () => text.split('\n').filter(Boolean) };
}

describe('progress view without a terminal', () => {
  it('writes a line per change in the given format, and says when no worker answers', async () => {
    const { stream, lines } = capture();
    const view = progressView(progressBar, stream);
    view.update(progress(200));
    view.update(progress(200));
    view.update(undefined);
    view.update(progress(1000, 'finished'));
    view.stop();
    await new Promise((r) => setImmediate(r));
    expect(lines()).toEqual([
      '[####----------------] 20% 200/1,000 rows · 500 rows/s · batch 2 · running',
      'waiting for a worker on the task queue (start one with `npx product-etl worker`) ...',
      '[####################] 100% 1,000/1,000 rows · 500 rows/s · batch 10 · finished',
    ]);
  });
});
