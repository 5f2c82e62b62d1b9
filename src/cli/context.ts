import type { Knex } from 'knex';
import type { SyncClient } from '../client/syncClient';
import { DatabaseSettings, parseDatabaseUrl } from '../db/databaseUrl';
import { loadTemporalSettings, TemporalSettings } from '../temporal/connection';

// knex (with objection and mysql2) and @temporalio/client are loaded when a command first opens them, not when the
// command line is parsed: a command that talks only to Temporal never loads the database driver, and one that talks
// only to the database never loads the gRPC client (docs/operations.md, "Start time and CLI latency").

/** Opens the database named by DATABASE_URL and checks it answers, so a bad URL fails with a clear message. */
export async function openDatabase(settings: DatabaseSettings = parseDatabaseUrl()): Promise<{ knex: Knex; settings: DatabaseSettings }> {
  const { checkConnection, createKnex } = await import('../db/connection');
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
  const { SyncClient } = await import('../client/syncClient');
  const client = await SyncClient.connect(settings);
  try {
    return await fn(client);
  } finally {
    await client.close();
  }
}
