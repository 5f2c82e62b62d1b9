import { Command } from '@commander-js/extra-typings';
import { TemporalUnavailableError } from '../../errors';
import { act, AddCommand, OptionsOf, workflowIdOption } from '../command';
import { withSyncClient } from '../context';
import { exitCodeOfRun } from '../exitCodes';
import { databaseFreshness } from '../databaseFreshness';
import { followRun } from '../follow';
import { describeLine, formatOutcome } from '../format/outcome';
import { formatProgress } from '../format/progress';
import { INTERRUPTED, stoppedFollowing } from '../interrupt';
import { print, say } from '../output';

const define = (program: Command) =>
  program
    .command('status')
    .description('progress of the active run (or the most recent one); with --follow, a live progress bar until it ends')
    .addOption(workflowIdOption('the workflow to look at', 'the active run, else the most recent'))
    .option('--follow', 'draw a live progress bar until the run ends, then print how it ended (Ctrl-C stops following, not the run)')
    .addHelpText('after', '\nExit status: 0 running or completed, 4 failed, 5 cancelled, 6 terminated, 7 timed out, 3 not found or cannot connect,\n130 when Ctrl-C stopped --follow (the run goes on). See the README.');

/** `status`: the progress query, printed readably; with --follow, a live progress bar until the run closes. */
export const addStatusCommand: AddCommand = (program, exit) => {
  define(program).action(act(exit, status));
};

async function status(o: OptionsOf<typeof define>): Promise<number> {
  return withSyncClient(async (client) => {
    const run = await client.find({ workflowId: o.workflowId });
    const d = run.description;
    if (o.workflowId === undefined && d.status.name !== 'RUNNING') say('No product sync is running; the most recent run:');
    print(describeLine(d));
    if (d.status.name !== 'RUNNING') {
      const outcome = await client.outcome(run.handle);
      print(formatOutcome(outcome));
      for (const line of await databaseFreshness()) print(line);
      return exitCodeOfRun(outcome.status);
    }
    if (o.follow) {
      const outcome = await followRun(client, run.handle);
      if (outcome === INTERRUPTED) return stoppedFollowing(d.workflowId);
      print(formatOutcome(outcome));
      return exitCodeOfRun(outcome.status);
    }
    const p = await client.progress(run.handle, 10_000);
    if (!p) {
      throw new TemporalUnavailableError(
        `Workflow ${d.workflowId} is running, but no worker answered the progress query within 10s.`,
        `Start a worker on task queue ${d.taskQueue} with \`npx product-etl worker\`.`,
      );
    }
    print(`Product sync ${d.workflowId}: ${p.state}${p.dryRun ? ' (dry run)' : ''}`);
    print(formatProgress(p));
    for (const line of await databaseFreshness()) print(line);
    return 0;
  });
}
