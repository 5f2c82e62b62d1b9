import { Command } from '@commander-js/extra-typings';
import { ConfigError } from '../../errors';
import { act, AddCommand, OptionsOf, workflowIdOption } from '../command';
import { withSyncClient } from '../context';
import { databaseFreshness } from '../databaseFreshness';
import { followRun } from '../follow';
import { describeLine, formatOutcome } from '../format/outcome';
import { formatProgress } from '../format/progress';
import { print } from '../output';

const define = (program: Command) =>
  program
    .command('status')
    .description('progress of a run; with --follow, a live progress bar until it ends')
    .addOption(workflowIdOption('the workflow to look at'))
    .option('--follow', 'draw a live progress bar until the run ends, then print how it ended');

/** `status`: the progress query, printed readably; with --follow, a live progress bar until the run closes. */
export const addStatusCommand: AddCommand = (program, exit) => {
  define(program).action(act(exit, status));
};

async function status(o: OptionsOf<typeof define>): Promise<number> {
  return withSyncClient(async (client) => {
    const run = await client.find({ workflowId: o.workflowId });
    print(describeLine(run.description));
    if (run.description.status.name !== 'RUNNING') {
      print(formatOutcome(await client.outcome(run.handle)));
      for (const line of await databaseFreshness()) print(line);
      return 0;
    }
    if (o.follow) {
      print(formatOutcome(await followRun(client, run.handle)));
      return 0;
    }
    const p = await client.progress(run.handle, 10_000);
    if (!p) {
      throw new ConfigError(
        `Workflow ${run.description.workflowId} is running, but no worker answered the progress query within 10s.`,
        `Start a worker on task queue ${run.description.taskQueue} with \`npx product-etl worker\`.`,
      );
    }
    print(`Product sync ${run.description.workflowId}: ${p.state}${p.dryRun ? ' (dry run)' : ''}`);
    print(formatProgress(p));
    for (const line of await databaseFreshness()) print(line);
    return 0;
  });
}
