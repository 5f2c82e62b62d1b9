import { parse } from '../args';
import { ensureDatabase } from '../../db/connection';
import { describeDatabase, parseDatabaseUrl } from '../../db/databaseUrl';
import { migrateLatest, migrateRollbackAll } from '../../db/migrate';
import { openDatabase } from '../context';
import { print, say } from '../output';

const USAGE = 'product-etl migrate [--rollback-all]';

/** Creates the database if it is missing and runs the migrations; --rollback-all undoes them (dev databases only). */
export async function migrateCommand(argv: string[]): Promise<number> {
  const { values } = parse(argv, { 'rollback-all': { type: 'boolean' } }, USAGE);
  const settings = parseDatabaseUrl();
  await ensureDatabase(settings);
  const { knex } = await openDatabase(settings);
  try {
    if (values['rollback-all']) {
      const reverted = await migrateRollbackAll(knex);
      print(`Rolled back ${reverted.length} migration(s) on ${describeDatabase(settings)}`);
      return 0;
    }
    const applied = await migrateLatest(knex);
    for (const name of applied) say(`  applied ${name}`);
    print(applied.length ? `Applied ${applied.length} migration(s) to ${describeDatabase(settings)}` : `${describeDatabase(settings)} is up to date`);
    return 0;
  } finally {
    await knex.destroy();
  }
}

