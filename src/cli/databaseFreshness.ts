import { errorMessage } from '../errors';
import { openDatabase } from './context';
import { freshnessLines } from './format/freshness';

/**
 * `status`'s live freshness: the watermark against the newest staging row, read from DATABASE_URL. The run's own
 * figure (progress query) only knows the staging rows of its start, and a closed run none. Status still works without
 * the database, saying why this part is missing.
 */
export async function databaseFreshness(): Promise<string[]> {
  try {
    // The store (objection's models) is loaded only when status gets this far.
    const { freshnessStore } = await import('../db/stores/freshnessStore');
    const { knex } = await openDatabase();
    try {
      return freshnessLines(await freshnessStore.read(knex));
    } finally {
      await knex.destroy();
    }
  } catch (err) {
    return [`  freshness     unknown: ${errorMessage(err).split('\n')[0]} (DATABASE_URL names the database)`];
  }
}
