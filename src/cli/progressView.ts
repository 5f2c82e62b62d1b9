import { SingleBar } from 'cli-progress';
import type { SyncProgress } from '../workflows/definitions';
import { BAR_WIDTH, progressDetail, progressRatio } from './format/progress';
import { messagesAsLogLines, say } from './output';

const WAITING = 'waiting for a worker on the task queue (start one with `npx product-etl worker`) ...';

/** Shows a followed run's progress; `undefined` means no worker answered the progress query. */
export interface ProgressView {
  update(progress: SyncProgress | undefined): void;
  stop(): void;
}

/**
 * On a terminal, a live bar redrawn in place; in a file or a pipe (CI, `2> log`), a line each time the text
 * changes, in the caller's own format, so logs stay readable (a log line each with LOG_FORMAT=json). Drawn on
 * stderr: stdout carries results.
 */
export function progressView(lineOf: (p: SyncProgress) => string, stream: NodeJS.WriteStream = process.stderr): ProgressView {
  if (messagesAsLogLines()) return lineView(lineOf, say);
  return stream.isTTY ? barView(stream) : lineView(lineOf, (line) => stream.write(line + '\n'));
}

function lineView(lineOf: (p: SyncProgress) => string, write: (line: string) => void): ProgressView {
  let last = '';
  return {
    update(p) {
      const line = p ? lineOf(p) : WAITING;
      if (line !== last) write(line);
      last = line;
    },
    stop() {},
  };
}

function barView(stream: NodeJS.WriteStream): ProgressView {
  // Total 1: the ratio comes from the workflow, which knows when a run with nothing to read is finished.
  const bar = new SingleBar({
    stream,
    format: '[{bar}] {percentage}% {detail}',
    barsize: BAR_WIDTH,
    barCompleteChar: '#',
    barIncompleteChar: '-',
    hideCursor: false,
    clearOnComplete: false,
  });
  let started = false;
  return {
    update(p) {
      const ratio = p ? progressRatio(p) : 0;
      const detail = p ? progressDetail(p) : WAITING;
      if (!started) bar.start(1, ratio, { detail });
      else bar.update(ratio, { detail });
      started = true;
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
