import { Command } from '@commander-js/extra-typings';
import type { Knex } from 'knex';
import { DatabaseSettings, describeDatabase, parseDatabaseUrl } from '../../db/databaseUrl';
import { migrateDown, migrateLatest, migrateRollbackAll, migrationStatus, MigrationStatus } from '../../db/migrate';
import { ConfigError } from '../../errors';
import { act, AddCommand, OptionsOf } from '../command';
import { openDatabase } from '../context';
import { print, say } from '../output';

const define = (program: Command) =>
  program
    .command('migrate')
    .description('create the database if missing and run the migrations (subcommands: status, down)')
    .option('--rollback-all', 'undo every migration: drops the tables the migrations made (dev databases only; needs --yes)')
    .option('--yes', 'confirm --rollback-all');

/**
 * `migrate`: creates the database if it is missing and runs the pending migrations. `migrate status` and
 * `migrate down` are knex's migrate:status and migrate:down; --rollback-all drops every table the migrations made,
 * so it asks for --yes first.
 */
export const addMigrateCommand: AddCommand = (program, exit) => {
  const migrate = define(program).action(act(exit, latestOrRollbackAll));
  migrate.command('status').description('list applied and pending migrations (read-only)').action(act(exit, () => withDatabase(false, status)));
  migrate
    .command('down')
    .description('undo the last applied migration, one step')
    .action(act(exit, () => withDatabase(false, down)));
};

async function withDatabase(create: boolean, fn: (knex: Knex, settings: DatabaseSettings) => Promise<number>): Promise<number> {
  const settings = parseDatabaseUrl();
  if (create) await (await import('../../db/connection')).ensureDatabase(settings);
  const { knex } = await openDatabase(settings);
  try {
    return await fn(knex, settings);
  } finally {
    await knex.destroy();
  }
}

function formatStatus(s: MigrationStatus): string[] {
  const lines = [`Applied: ${s.applied.length}`];
  for (const m of s.applied) lines.push(`  ${m.name}  (batch ${m.batch}, ${m.migratedAt})${s.unknown.includes(m.name) ? '  UNKNOWN to this code' : ''}`);
  lines.push(`Pending: ${s.pending.length}`);
  for (const name of s.pending) lines.push(`  ${name}`);
  return lines;
}

async function status(knex: Knex, settings: DatabaseSettings): Promise<number> {
  const s = await migrationStatus(knex);
  print(`Migrations of ${describeDatabase(settings)}`);
  for (const line of formatStatus(s)) print(line);
  if (s.unknown.length) say(`warning: ${s.unknown.length} applied migration(s) are not in this code: the database is newer than the code.`);
  if (s.pending.length) say('Run them with: npx product-etl migrate');
  return 0;
}

async function down(knex: Knex, settings: DatabaseSettings): Promise<number> {
  const reverted = await migrateDown(knex);
  if (reverted.length === 0) {
    print(`Nothing to undo: no migration is applied to ${describeDatabase(settings)}`);
    return 0;
  }
  for (const name of reverted) say(`  reverted ${name}`);
  print(`Reverted ${reverted.join(', ')} on ${describeDatabase(settings)}`);
  return 0;
}

async function latestOrRollbackAll(o: OptionsOf<typeof define>): Promise<number> {
  if (o.yes && !o.rollbackAll) throw new ConfigError('--yes confirms --rollback-all, and was given without it.');
  if (o.rollbackAll) return withDatabase(false, (knex, settings) => rollbackAll(knex, settings, o.yes === true));
  return withDatabase(true, async (knex, settings) => {
    const applied = await migrateLatest(knex);
    for (const name of applied) say(`  applied ${name}`);
    print(applied.length ? `Applied ${applied.length} migration(s) to ${describeDatabase(settings)}` : `${describeDatabase(settings)} is up to date`);
    return 0;
  });
}

/** Drops what the migrations made (products and its history included), so it is refused until confirmed. */
async function rollbackAll(knex: Knex, settings: DatabaseSettings, confirmed: boolean): Promise<number> {
  if (!confirmed) {
    const { applied } = await migrationStatus(knex);
    throw new ConfigError(
      `--rollback-all would undo ${applied.length} migration(s) on ${describeDatabase(settings)}, dropping products, product_change_log, product_etl_reject and the sync's state; nothing was changed.`,
      'Dev databases only. To go ahead, run it again with --yes. To undo one migration, use `npx product-etl migrate down`.',
    );
  }
  const reverted = await migrateRollbackAll(knex);
  for (const name of reverted) say(`  reverted ${name}`);
  print(`Rolled back ${reverted.length} migration(s) on ${describeDatabase(settings)}`);
  return 0;
}
