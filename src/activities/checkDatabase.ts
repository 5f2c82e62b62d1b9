import { serverStore } from '../db/stores/serverStore';
import { stagingRepository } from '../db/stores/stagingRepository';
import type { ActivityDeps } from './deps';
import { classifyDatabaseError } from './failures';

/** The stack check's activity: proves the worker reaches MySQL, and says which server and schema it found. */
export function createCheckDatabase({ knex }: ActivityDeps) {
  return async function checkDatabase(): Promise<{ database: string; version: string; stagingRows: number | null }> {
    try {
      const { database, version } = await serverStore.identify(knex);
      return { database, version, stagingRows: await stagingRepository.countAll(knex) };
    } catch (err) {
      throw classifyDatabaseError(err);
    }
  };
}
