import type { Knex } from 'knex';
import { SyncClient } from '../client';
import { checkConnection, createKnex } from '../db/connection';
import { DatabaseSettings, parseDatabaseUrl } from '../db/databaseUrl';
import { loadTemporalSettings, TemporalSettings } from '../temporal/connection';

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

/** Runs `fn` with a client connected from the environment (TEMPORAL_*), and closes the connection afterwards. */
export async function withSyncClient<T>(fn: (client: SyncClient) => Promise<T>, settings: TemporalSettings = loadTemporalSettings()): Promise<T> {
  const client = await SyncClient.connect(settings);
  try {
    return await fn(client);
  } finally {
    await client.close();
  }
}
