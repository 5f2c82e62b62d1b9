import { formatCount } from '../../shared/format';
import { Command } from '@commander-js/extra-typings';
import { describeDatabase, parseDatabaseUrl } from '../../db/databaseUrl';
import { nextDemoStartAt } from '../../demo/nextStartAt';
import { seedStaging } from '../../demo/seedStaging';
import { act, AddCommand, OptionsOf, wholeNumberArg } from '../command';
import { openDatabase } from '../context';
import { print } from '../output';

const define = (program: Command) =>
  program
    .command('seed-demo')
    .description('dev/demo only: create products_staging if missing and fill it with messy rows')
    .option('--rows <n>', 'how many rows to add', wholeNumberArg('rows', 1, 10_000_000), 10_000)
    .option('--seed <s>', 'seed of the generator, for the same rows again', wholeNumberArg('seed', 0, 2 ** 31))
    .option('--truncate', 'empty products_staging first');

/**
 * `seed-demo`, dev and demo only: creates products_staging (the DBA's DDL) if it is missing and fills it with
 * realistic messy rows. Never point this at production: there the table belongs to the DBA.
 */
export const addSeedDemoCommand: AddCommand = (program, exit) => {
  define(program).action(act(exit, seedDemo));
};

async function seedDemo(o: OptionsOf<typeof define>): Promise<number> {
  const settings = parseDatabaseUrl();
  await (await import('../../db/connection')).ensureDatabase(settings);
  const { knex } = await openDatabase(settings);
  try {
    const truncate = o.truncate === true;
    // After the watermark (and after what is in staging), so the next sync reads them.
    const startAt = await nextDemoStartAt(knex, { staging: !truncate });
    const r = await seedStaging(knex, { rows: o.rows, seed: o.seed, truncate, startAt });
    print(`Inserted ${formatCount(r.inserted)} staging rows into ${describeDatabase(settings)} in ${(r.elapsedMs / 1000).toFixed(1)}s${startAt ? `, dated from ${startAt} (after the watermark and the newest staging row)` : ''}`);
    return 0;
  } finally {
    await knex.destroy();
  }
}
