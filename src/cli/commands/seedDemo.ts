import { intOption, parse } from '../args';
import { ensureDatabase } from '../../db/connection';
import { describeDatabase, parseDatabaseUrl } from '../../db/databaseUrl';
import { seedStaging } from '../../demo/seedStaging';
import { openDatabase } from '../context';
import { print } from '../output';

const USAGE = 'product-etl seed-demo --rows N [--seed S] [--truncate]';

/**
 * Dev and demo only: creates products_staging (the DBA's DDL) if it is missing and fills it with realistic messy rows.
 * Never point this at production: there the table belongs to the DBA.
 */
export async function seedDemoCommand(argv: string[]): Promise<number> {
  const { values } = parse(argv, { rows: { type: 'string' }, seed: { type: 'string' }, truncate: { type: 'boolean' } }, USAGE);
  const rows = intOption('rows', (values.rows as string | undefined) ?? '10000', 1, 10_000_000) as number;
  const seed = intOption('seed', values.seed as string | undefined, 0, 2 ** 31);
  const settings = parseDatabaseUrl();
  await ensureDatabase(settings);
  const { knex } = await openDatabase(settings);
  try {
    const r = await seedStaging(knex, { rows, seed, truncate: values.truncate === true });
    print(`Inserted ${r.inserted.toLocaleString('en-US')} staging rows into ${describeDatabase(settings)} in ${(r.elapsedMs / 1000).toFixed(1)}s`);
    return 0;
  } finally {
    await knex.destroy();
  }
}
