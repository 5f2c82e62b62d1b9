import type { ActivityDeps } from './deps';
import { classifyDatabaseError } from './failures';
import { STAGING_TABLE } from '../db/tables';

/** The stack check's activity: proves the worker reaches MySQL, and says which server and schema it found. */
export function createCheckDatabase({ knex }: ActivityDeps) {
  return async function checkDatabase(): Promise<{ database: string; version: string; stagingRows: number | null }> {
    try {
      const [rows] = await knex.raw('SELECT DATABASE() AS db, VERSION() AS version');
      const { db, version } = (rows as Array<{ db: string; version: string }>)[0];
      const hasStaging = await knex.schema.hasTable(STAGING_TABLE);
      const stagingRows = hasStaging ? Number((await knex(STAGING_TABLE).count<{ n: number }[]>({ n: '*' }))[0].n) : null;
      return { database: db, version, stagingRows };
    } catch (err) {
      throw classifyDatabaseError(err);
    }
  };
}
