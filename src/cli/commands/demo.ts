import { intOption, parse } from '../args';
import { ensureDatabase } from '../../db/connection';
import { describeDatabase, parseDatabaseUrl } from '../../db/databaseUrl';
import { migrateLatest } from '../../db/migrate';
import { seedStaging } from '../../demo/seedStaging';
import { connectClient, loadTemporalSettings } from '../../temporal/connection';
import { defaultDevServerOptions, startDevServer } from '../../temporal/devServer';
import { openDatabase } from '../context';
import { print, say } from '../output';
import { followSync, startSync } from '../startSync';
import { formatSummary } from '../summary';
import { withInProcessWorker } from '../withWorker';
import { MAX_BATCH_SIZE, MIN_BATCH_SIZE } from '../../workflows/definitions';

const USAGE = 'product-etl demo [--rows 20000] [--limit 1000]';

/**
 * The whole job on one machine: Temporal dev server up (left running for the UI), database migrated, demo staging
 * rows (only when staging is empty), a worker in this process, the sync, its summary, and where to look.
 */
export async function demoCommand(argv: string[]): Promise<number> {
  const { values } = parse(argv, { rows: { type: 'string' }, limit: { type: 'string' } }, USAGE);
  const rows = intOption('rows', (values.rows as string | undefined) ?? '20000', 1, 10_000_000) as number;
  const batchSize = intOption('limit', (values.limit as string | undefined) ?? '1000', MIN_BATCH_SIZE, MAX_BATCH_SIZE) as number;
  const settings = loadTemporalSettings();
  let uiUrl = 'your Temporal cluster\'s UI';
  if (!process.env.TEMPORAL_ADDRESS && !process.env.TEMPORAL_PROFILE) {
    say('== Temporal dev server');
    uiUrl = (await startDevServer(defaultDevServerOptions(), say)).uiUrl;
  }
  say('== Database');
  const db = parseDatabaseUrl();
  await ensureDatabase(db);
  const { knex } = await openDatabase(db);
  const client = await connectClient(settings);
  try {
    const applied = await migrateLatest(knex);
    say(applied.length ? `applied ${applied.length} migration(s) to ${describeDatabase(db)}` : `${describeDatabase(db)} is up to date`);
    const hasRows = (await knex.schema.hasTable('products_staging')) && (await knex('products_staging').first('id')) !== undefined;
    if (!hasRows) {
      say(`== Demo data: ${rows.toLocaleString('en-US')} messy staging rows`);
      await seedStaging(knex, { rows });
    } else {
      say('== products_staging already has rows: syncing what is there');
    }
    say('== Sync (worker in this process)');
    const summary = await withInProcessWorker(settings, knex, client, async () => {
      const handle = await startSync(client, settings.taskQueue, { batchSize });
      say(`started workflow ${handle.workflowId}, run ${handle.firstExecutionRunId}`);
      return followSync(handle, say, 2000);
    });
    print(formatSummary(summary));
    print('');
    print(`Temporal Web UI: ${uiUrl}/namespaces/${settings.namespace}/workflows  (the run is workflow "product-sync")`);
    print('Run it again with: npx product-etl sync --with-worker   ·   stop the dev server: npx product-etl dev-server stop');
    return 0;
  } finally {
    await client.connection.close();
    await knex.destroy();
  }
}
