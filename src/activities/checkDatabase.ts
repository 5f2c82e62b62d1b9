import { serverStore } from '../db/stores/serverStore';
import { stagingRepository } from '../db/stores/stagingRepository';
import type { ActivityDeps } from './deps';
import { classifyAndCount } from './observedFailure';

/** The stack check's activity: proves the worker reaches MySQL, and says which server and schema it found. */
export function createCheckDatabase({ knex, metrics }: ActivityDeps) {
  return async function checkDatabase(): Promise<{ database: string; version: string; stagingRows: number | null }> {
    try {
      const { database, version } = await serverStore.identify(knex);
      return { database, version, stagingRows: await stagingRepository.countAll(knex) };
    } catch (err) {
      throw classifyAndCount(metrics, err);
    }
  };
}
