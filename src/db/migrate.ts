import type { Knex } from 'knex';
import { migrationSource } from '../../migrations';

const config: Knex.MigratorConfig = {
  migrationSource,
  tableName: 'knex_migrations',
  // MySQL commits DDL implicitly, so a wrapping transaction would only pretend to protect anything.
  disableTransactions: true,
};

export async function migrateLatest(knex: Knex): Promise<string[]> {
  const [, applied] = (await knex.migrate.latest(config)) as [number, string[]];
  return applied;
}

export async function migrateRollbackAll(knex: Knex): Promise<string[]> {
  const [, reverted] = (await knex.migrate.rollback(config, true)) as [number, string[]];
  return reverted;
}

export async function migrateDown(knex: Knex): Promise<string[]> {
  const [, reverted] = (await knex.migrate.down(config)) as [number, string[]];
  return reverted;
}

export async function migrateUp(knex: Knex): Promise<string[]> {
  const [, applied] = (await knex.migrate.up(config)) as [number, string[]];
  return applied;
}

export async function pendingMigrations(knex: Knex): Promise<string[]> {
  const [, pending] = (await knex.migrate.list(config)) as [unknown[], Array<string | { file: string }>];
  return pending.map((m) => (typeof m === 'string' ? m : m.file));
}
