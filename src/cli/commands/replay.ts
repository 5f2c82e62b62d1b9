import { BUNDLE_FILE, prebuiltBundle, RUNNING_FROM_SOURCE, WORKFLOWS_ENTRY } from '../../workflowBundle';
import { act, AddCommand } from '../command';
import { print, say } from '../output';

/** `replay`: says whether the current workflow code still replays each history; non-zero if any does not. */
export const addReplayCommand: AddCommand = (program, exit) => {
  program
    .command('replay')
    .description('replay history JSON files against the current workflow code')
    .argument('<history.json...>', 'files written by `product-etl history`, `temporal workflow show --output json` or the UI\'s Download')
    .action(act(exit, replay));
};

async function replay(files: string[]): Promise<number> {
  // The bundle the worker loads, checked as the worker checks it (a stale one is refused before any file is read).
  if (!RUNNING_FROM_SOURCE) prebuiltBundle();
  say(`Replaying ${files.length} history file(s) against ${RUNNING_FROM_SOURCE ? `the workflow code in ${WORKFLOWS_ENTRY}` : `the workflow bundle the worker runs, ${BUNDLE_FILE}`} ...`);
  // The replay (the SDK's worker package) is loaded by this command alone.
  const { replayHistoryFiles } = await import('../../client/replayHistories');
  const outcomes = await replayHistoryFiles(files);
  const label = { ok: 'OK   ', failed: 'FAIL ', unreadable: 'ERROR' } as const;
  for (const o of outcomes) print(`${label[o.result]} ${o.file}${o.message ? `\n      ${o.message.split('\n').join('\n      ')}` : ''}`);
  const failed = outcomes.filter((o) => o.result === 'failed').length;
  const unreadable = outcomes.filter((o) => o.result === 'unreadable').length;
  if (failed) print(`${failed} of ${outcomes.length} did not replay: the current workflow code is not compatible with those histories.`);
  if (unreadable) print(`${unreadable} of ${outcomes.length} could not be read as histories.`);
  if (!failed && !unreadable) print(`All ${outcomes.length} replayed: the current workflow code is deterministic for them.`);
  return failed || unreadable ? 1 : 0;
}
