import { Command } from '@commander-js/extra-typings';
import { ensureDatabase } from '../../db/connection';
import { describeDatabase, parseDatabaseUrl } from '../../db/databaseUrl';
import { migrateLatest, migrateRollbackAll } from '../../db/migrate';
import { act, AddCommand, OptionsOf } from '../command';
import { openDatabase } from '../context';
import { print, say } from '../output';

const define = (program: Command) =>
  program
    .command('migrate')
    .description('create the database if missing and run the migrations')
    .option('--rollback-all', 'undo every migration (dev databases only: drops the tables)');

/** `migrate`: creates the database if it is missing and runs the migrations; --rollback-all undoes them (dev only). */
export const addMigrateCommand: AddCommand = (program, exit) => {
  define(program).action(act(exit, migrate));
};

async function migrate(o: OptionsOf<typeof define>): Promise<number> {
  const settings = parseDatabaseUrl();
  await ensureDatabase(settings);
  const { knex } = await openDatabase(settings);
  try {
    if (o.rollbackAll) {
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
