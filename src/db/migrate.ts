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

export interface AppliedMigration {
  name: string;
  batch: number;
  /** When it ran, as the database recorded it. */
  migratedAt: string;
}

export interface MigrationStatus {
  applied: AppliedMigration[];
  pending: string[];
  /** Applied here but unknown to this code: the database is newer than the code (or was migrated by another branch). */
  unknown: string[];
}

/**
 * What `migrate status` shows, as knex's migrate:status does, plus each migration's batch and time. Read-only: unlike
 * knex.migrate.list(), it creates no knex_migrations table on a database never migrated.
 */
export async function migrationStatus(knex: Knex): Promise<MigrationStatus> {
  const known = await migrationSource.getMigrations([]);
  const rows = (await knex.schema.hasTable(config.tableName as string))
    ? ((await knex(config.tableName as string).orderBy('id').select('name', 'batch', 'migration_time')) as Array<{ name: string; batch: number; migration_time: Date | string }>)
    : [];
  const applied = rows.map((r) => ({ name: r.name, batch: Number(r.batch), migratedAt: r.migration_time instanceof Date ? r.migration_time.toISOString() : String(r.migration_time) }));
  const done = new Set(applied.map((a) => a.name));
  return { applied, pending: known.filter((n) => !done.has(n)), unknown: applied.map((a) => a.name).filter((n) => !known.includes(n)) };
}
