import type { ActivityDeps } from './deps';
import { classifyAndCount } from './observedFailure';

/** The stack check's activity: proves the worker reaches MySQL, and says which server and schema it found. */
export function createCheckDatabase({ knex, metrics }: ActivityDeps) {
  return async function checkDatabase(): Promise<{ database: string; version: string; stagingRows: number | null }> {
    try {
      const [rows] = await knex.raw('SELECT DATABASE() AS db, VERSION() AS version');
      const { db, version } = (rows as Array<{ db: string; version: string }>)[0];
      const hasStaging = await knex.schema.hasTable('products_staging');
      const stagingRows = hasStaging ? Number((await knex('products_staging').count<{ n: number }[]>({ n: '*' }))[0].n) : null;
      return { database: db, version, stagingRows };
    } catch (err) {
      throw classifyAndCount(metrics, err);
    }
  };
}
