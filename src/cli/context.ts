import type { Knex } from 'knex';
import { checkConnection, createKnex } from '../db/connection';
import { DatabaseSettings, parseDatabaseUrl } from '../db/databaseUrl';

/** Opens the database named by DATABASE_URL and checks it answers, so a bad URL fails with a clear message. */
export async function openDatabase(settings: DatabaseSettings = parseDatabaseUrl()): Promise<{ knex: Knex; settings: DatabaseSettings }> {
  const knex = createKnex(settings);
  try {
    await checkConnection(knex, settings);
  } catch (err) {
    await knex.destroy();
    throw err;
  }
  return { knex, settings };
}
