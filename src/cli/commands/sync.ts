import { Command } from '@commander-js/extra-typings';
import { syncInputFromFlags } from '../../client';
import { ConfigError } from '../../errors';
import { loadTemporalSettings } from '../../temporal/connection';
import { act, AddCommand, OptionsOf, workflowIdOption } from '../command';
import { openDatabase, withSyncClient } from '../context';
import { followToSummary } from '../follow';
import { formatSummary } from '../format/summary';
import { print, say } from '../output';
import { withInProcessWorker } from '../withWorker';

const define = (program: Command) =>
  program
    .command('sync')
    .description('run the product sync and follow it to its summary')
    .option('--limit <n>', 'batch size: staging rows per batch, 1 to 10000 (default: 1000)')
    .option('--resume', 'start from the watermark (the default)')
    .option('--no-resume', 're-read all of staging from the start, ignoring the watermark')
    .option('--dry-run', 'read, normalise and plan every batch, write nothing, and print a sample')
    .option('--lookback <duration>', 're-read this far behind the watermark first, e.g. 15m (default: none)')
    .option('--detach', 'start the run and return; follow it with `status --follow`')
    .option('--with-worker', 'run a worker in this process for the length of the run')
    .addOption(workflowIdOption('the workflow id to start'));

/** `sync`: starts productSyncWorkflow (workflow id product-sync) and, unless --detach, follows it to its summary. */
export const addSyncCommand: AddCommand = (program, exit) => {
  define(program).action(act(exit, sync));
};

async function sync(o: OptionsOf<typeof define>): Promise<number> {
  const input = syncInputFromFlags(o);
  if (o.detach && o.withWorker) throw new ConfigError('--detach and --with-worker do not go together: the in-process worker stops when this command ends.');
  const settings = loadTemporalSettings();
  return withSyncClient(async (client) => {
    const run = async () => {
      const handle = await client.start(input, o.workflowId);
      say(`Started ${handle.workflowId} (run ${handle.firstExecutionRunId}) on task queue ${settings.taskQueue}.`);
      if (o.detach) {
        print(`Started workflow ${handle.workflowId}. Follow it with: npx product-etl status --follow`);
        return 0;
      }
      const summary = await followToSummary(client, handle);
      print(formatSummary(summary));
      // Refused by the run lock (a start that raced past the check before starting): nothing ran, as for that check.
      return summary.status === 'refused' ? 2 : 0;
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
