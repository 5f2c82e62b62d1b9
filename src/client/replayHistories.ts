import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { History } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { ConfigError, errorMessage } from '../../errors';
import { parse } from '../args';
import { print, say } from '../output';
import { historyFromJsonText } from './history';

const USAGE = 'product-etl replay <history.json>...';

export interface ReplayOutcome {
  file: string;
  /** `unreadable`: not a history file; `failed`: the code did not replay it (non-determinism or another error). */
  result: 'ok' | 'failed' | 'unreadable';
  message?: string;
}

/** The workflow code this build runs: src/workflows in a checkout, dist/src/workflows when built. */
export const CURRENT_WORKFLOWS = require.resolve('../../workflows');

/**
 * Replays each history against `workflowsPath` (default: the current workflow code) in one replay worker, one
 * history at a time. A file that cannot be read or parsed fails on its own; the others are still replayed.
 */
export async function replayHistoryFiles(files: string[], workflowsPath = CURRENT_WORKFLOWS): Promise<ReplayOutcome[]> {
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
  let i = 0;
  for await (const result of Worker.runReplayHistories({ workflowsPath, replayName: 'product-etl-replay' }, histories)) {
    const { index } = loaded[i++];
    if (result.error) outcomes[index] = { file: files[index], result: 'failed', message: `${result.error.name}: ${result.error.message}` };
  }
  return outcomes;
}

/** `replay`: says whether the current workflow code still replays each history; non-zero if any does not. */
export async function replayCommand(argv: string[]): Promise<number> {
  const { positionals } = parse(argv, {}, USAGE, true);
  if (positionals.length === 0) throw new ConfigError('replay needs at least one history file.', `Usage: ${USAGE}\n(write one with \`npx product-etl history <workflow-id> > h.json\`, \`temporal workflow show --output json\`, or the UI's Download)`);
  say(`Replaying ${positionals.length} history file(s) against the workflow code in ${CURRENT_WORKFLOWS} ...`);
  const outcomes = await replayHistoryFiles(positionals);
  const label = { ok: 'OK   ', failed: 'FAIL ', unreadable: 'ERROR' } as const;
  for (const o of outcomes) print(`${label[o.result]} ${o.file}${o.message ? `\n      ${o.message.split('\n').join('\n      ')}` : ''}`);
  const failed = outcomes.filter((o) => o.result === 'failed').length;
  const unreadable = outcomes.filter((o) => o.result === 'unreadable').length;
  if (failed) print(`${failed} of ${outcomes.length} did not replay: the current workflow code is not compatible with those histories.`);
  if (unreadable) print(`${unreadable} of ${outcomes.length} could not be read as histories.`);
  if (!failed && !unreadable) print(`All ${outcomes.length} replayed: the current workflow code is deterministic for them.`);
  return failed || unreadable ? 1 : 0;
}
