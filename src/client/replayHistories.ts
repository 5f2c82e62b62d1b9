import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { History } from '@temporalio/common/lib/proto-utils';
import type { InjectedSinks } from '@temporalio/worker';
import { errorMessage } from '../errors';
import { workerWorkflowCode } from '../workflowBundle';
import type { RunOutcomeSinks } from '../workflows/runOutcomeInterceptor';
import { historyFromJsonText } from './historyJson';

export interface ReplayOutcome {
  file: string;
  /** `unreadable`: not a history file; `failed`: the code did not replay it (non-determinism or another error). */
  result: 'ok' | 'failed' | 'unreadable';
  message?: string;
}

/** The workflow code this build runs: src/workflows in a checkout, dist/src/workflows when built. */
export const CURRENT_WORKFLOWS = require.resolve('../workflows');

/**
 * The run-outcome interceptor in the bundle reports closed runs to a sink; a replay never calls it (callDuringReplay is
 * false), but the sink must be known, or the SDK logs each call as one to an unregistered sink.
 */
const REPLAY_SINKS: InjectedSinks<RunOutcomeSinks> = { runOutcome: { finished: { fn: () => undefined, callDuringReplay: false } } };

/**
 * Replays each history in one replay worker, one history at a time, against the code the worker runs (the prebuilt
 * bundle when built: src/workflowBundle.ts) or the workflows at `workflowsPath`. A file that cannot be read or parsed
 * fails on its own; the others are still replayed.
 */
export async function replayHistoryFiles(files: string[], workflowsPath?: string): Promise<ReplayOutcome[]> {
  const code = workflowsPath ? { workflowsPath } : workerWorkflowCode();
  const outcomes: ReplayOutcome[] = [];
  const loaded: Array<{ index: number; history: History }> = [];
  for (const file of files) {
    try {
      loaded.push({ index: outcomes.length, history: historyFromJsonText(await readFile(file, 'utf8')) });
      outcomes.push({ file, result: 'ok' });
    } catch (err) {
      outcomes.push({ file, result: 'unreadable', message: errorMessage(err) });
    }
  }
  if (loaded.length === 0) return outcomes;
  // Histories carry no workflow id; the file name stands in (the sync only passes its id to activities).
  const histories = loaded.map(({ index, history }) => ({ workflowId: `replay-${index}-${basename(files[index])}`, history }));
  // The worker package is loaded by the replay alone: the rest of the client layer does without it.
  const { Worker } = await import('@temporalio/worker');
  let i = 0;
  for await (const result of Worker.runReplayHistories({ ...code, sinks: REPLAY_SINKS, replayName: 'product-etl-replay' }, histories)) {
    const { index } = loaded[i++];
    if (result.error) outcomes[index] = { file: files[index], result: 'failed', message: `${result.error.name}: ${result.error.message}` };
  }
  return outcomes;
}
