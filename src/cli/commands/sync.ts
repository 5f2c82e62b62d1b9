import { Command } from '@commander-js/extra-typings';
import { syncInputFromFlags } from '../../client/syncInput';
import { ConfigError } from '../../errors';
import { loadTemporalSettings } from '../../temporal/connection';
import { act, AddCommand, OptionsOf, refuseContradiction, workflowIdOption } from '../command';
import { openDatabase, withSyncClient } from '../context';
import { exitCodeOfRun } from '../exitCodes';
import { followRun } from '../follow';
import { formatOutcome } from '../format/outcome';
import { progressLine } from '../format/progress';
import { formatSummary } from '../format/summary';
import { INTERRUPTED, orInterrupt, stoppedFollowing } from '../interrupt';
import { print, say } from '../output';
import { withInProcessWorker } from '../withWorker';

const define = (program: Command) =>
  program
    .command('sync')
    .description('run the product sync and follow it to its summary')
    .option('--limit <n>', 'batch size: staging rows per batch, 1 to 10000 (default: 1000)')
    .option('--batch-size <n>', 'the same as --limit, under its clear name')
    .option('--partitions <k>', 'split each window of batch size × K rows into K partitions applied at once, on any workers, 1 to 32 (default: 1; see docs/scaling.md)')
    .option('--resume', 'start from the watermark (the default)')
    .option('--no-resume', 're-read all of staging from the start, ignoring the watermark')
    .option('--dry-run', 'read, normalise and plan every batch, write nothing, and print a sample')
    .option('--lookback <duration>', 're-read this far behind the watermark first, e.g. 15m (default: none)')
    .option('--detach', 'start the run and return; follow it with `status --follow`')
    .option('--with-worker', 'run a worker in this process for the length of the run')
    .addOption(workflowIdOption('the workflow id to start', 'product-sync'))
    .addHelpText('after', '\nCtrl-C stops following (exit status 130); the run goes on, and the command to cancel it is printed.\n' +
      'Exit status: 0 completed, 4 failed, 5 cancelled, 6 terminated, 7 timed out, 2 usage, 3 cannot connect. See the README.');

/** `sync`: starts productSyncWorkflow (workflow id product-sync) and, unless --detach, follows it to how it ended. */
export const addSyncCommand: AddCommand = (program, exit) => {
  refuseContradiction(define(program), 'resume').action(act(exit, sync));
};

async function sync(o: OptionsOf<typeof define>): Promise<number> {
  const input = syncInputFromFlags(o);
  if (o.detach && o.withWorker) throw new ConfigError('--detach and --with-worker do not go together: the in-process worker stops when this command ends.');
  const settings = loadTemporalSettings();
  return withSyncClient(async (client) => {
    const run = async () => {
      const handle = await orInterrupt(client.start(input, o.workflowId));
      if (handle === INTERRUPTED) {
        say('Interrupted while starting the run: it may have started. See `npx product-etl status`.');
        return stoppedFollowing(o.workflowId ?? 'product-sync');
      }
      say(`Started ${handle.workflowId} (run ${handle.firstExecutionRunId}) on task queue ${settings.taskQueue}.`);
      if (o.detach) {
        print(`Started workflow ${handle.workflowId}. Follow it with: npx product-etl status --follow${handle.workflowId === 'product-sync' ? '' : ` --workflow-id ${handle.workflowId}`}`);
        return 0;
      }
      const outcome = await followRun(client, handle, { intervalMs: 3000, lineOf: progressLine });
      if (outcome === INTERRUPTED) return stoppedFollowing(handle.workflowId, { inProcessWorker: o.withWorker ? settings.taskQueue : undefined });
      // A completed run prints its summary as it always has; any other ending says how it ended, and so does the exit status.
      print(outcome.kind === 'summary' && outcome.status === 'COMPLETED' ? formatSummary(outcome.summary) : formatOutcome(outcome));
      // Refused by the run lock (a start that raced past the check before starting): nothing ran, as for that check.
      if (outcome.kind === 'summary' && outcome.summary.status === 'refused') return 2;
      return exitCodeOfRun(outcome.status);
    };
    if (!o.withWorker) return run();
    const { knex } = await openDatabase();
    try {
      return await withInProcessWorker(settings, knex, client.temporal, run);
    } finally {
      await knex.destroy();
    }
  }, settings);
}
