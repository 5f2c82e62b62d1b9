import { formatCount } from '../../shared/format';
import { STAGING_TABLE } from '../../db/tables';
import { DEFAULT_BATCH_SIZE, MAX_BATCH_SIZE, MIN_BATCH_SIZE } from '../../shared/batchSize';
import { Command } from '@commander-js/extra-typings';
import { describeDatabase, parseDatabaseUrl } from '../../db/databaseUrl';
import { migrateLatest } from '../../db/migrate';
import { nextDemoStartAt } from '../../demo/nextStartAt';
import { seedStaging } from '../../demo/seedStaging';
import { loadTemporalSettings } from '../../temporal/connection';
import { defaultDevServerOptions, startDevServer } from '../../temporal/devServer';
import { act, AddCommand, OptionsOf, wholeNumberArg } from '../command';
import { openDatabase } from '../context';
import { followToSummary } from '../follow';
import { formatSummary } from '../format/summary';
import { print, say } from '../output';
import { withInProcessWorker } from '../withWorker';

const define = (program: Command) =>
  program
    .command('demo')
    .description('the whole job locally: dev server, migrate, demo data, sync, summary')
    .option('--rows <n>', 'demo staging rows, when staging is empty', wholeNumberArg('rows', 1, 10_000_000), 20_000)
    .option('--limit <n>', 'batch size', wholeNumberArg('limit', MIN_BATCH_SIZE, MAX_BATCH_SIZE), DEFAULT_BATCH_SIZE);

/**
 * `demo`, the whole job on one machine: Temporal dev server up (left running for the UI), database migrated, demo
 * staging rows (only when staging is empty), a worker in this process, the sync, its summary, and where to look.
 */
export const addDemoCommand: AddCommand = (program, exit) => {
  define(program).action(act(exit, demo));
};

async function demo({ rows, limit: batchSize }: OptionsOf<typeof define>): Promise<number> {
  const settings = loadTemporalSettings();
  let uiUrl = 'your Temporal cluster\'s UI';
  if (!process.env.TEMPORAL_ADDRESS && !process.env.TEMPORAL_PROFILE) {
    say('== Temporal dev server');
    uiUrl = (await startDevServer(defaultDevServerOptions(), say)).uiUrl;
  }
  say('== Database');
  const db = parseDatabaseUrl();
  await (await import('../../db/connection')).ensureDatabase(db);
  const { knex } = await openDatabase(db);
  const { SyncClient } = await import('../../client/syncClient');
  const client = await SyncClient.connect(settings);
  try {
    const applied = await migrateLatest(knex);
    say(applied.length ? `applied ${applied.length} migration(s) to ${describeDatabase(db)}` : `${describeDatabase(db)} is up to date`);
    const hasRows = (await knex.schema.hasTable(STAGING_TABLE)) && (await knex(STAGING_TABLE).first('id')) !== undefined;
    if (!hasRows) {
      say(`== Demo data: ${formatCount(rows)} messy staging rows`);
      await seedStaging(knex, { rows, startAt: await nextDemoStartAt(knex, { staging: false }) });
    } else {
      say('== products_staging already has rows: syncing what is there');
    }
    say('== Sync (worker in this process)');
    const summary = await withInProcessWorker(settings, knex, client.temporal, async () => {
      const handle = await client.start({ batchSize });
      say(`started workflow ${handle.workflowId}, run ${handle.firstExecutionRunId}`);
      return followToSummary(client, handle, 2000);
    });
    print(formatSummary(summary));
    print('');
    print(`Temporal Web UI: ${uiUrl}/namespaces/${settings.namespace}/workflows  (the run is workflow "product-sync")`);
    print('Run it again with: npx product-etl sync --with-worker   ·   stop the dev server: npx product-etl dev-server stop');
    return 0;
  } finally {
    await client.close();
    await knex.destroy();
  }
}
