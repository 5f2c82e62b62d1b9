import type { Knex } from 'knex';
import { normalizeDatetime6 } from '../../src/domain/cursor';
import type { StagingRow } from '../../src/domain/types';
import { seedStaging } from '../../src/demo/seedStaging';
import { startSync } from '../../src/client';
import type { ProductSyncInput, SyncSummary } from '../../src/workflows/definitions';
import { runOracle } from '../../tools/oracle/oracle';
import { createTestDatabase, snapshot, TestDatabase } from './testDatabase';
import { startTestWorker, TestWorker, uniqueId } from './temporalTestEnv';

/** A test database with its own worker: what one deployment of the sync is. */
export interface SyncEnv {
  db: TestDatabase;
  worker: TestWorker;
  sync(input?: ProductSyncInput, workflowId?: string): Promise<SyncSummary>;
  close(): Promise<void>;
}

export async function createSyncEnv(label: string, seed?: { rows: number; seed?: number; keySpace?: number }): Promise<SyncEnv> {
  const db = await createTestDatabase(label);
  if (seed) await seedStaging(db.knex, seed);
  const worker = await startTestWorker(db.knex);
  return {
    db,
    worker,
    async sync(input = {}, workflowId = uniqueId('sync')) {
      const handle = await startSync(worker.client, worker.taskQueue, input, workflowId);
      return handle.result();
    },
    async close() {
      await worker.stop();
      await db.drop();
    },
  };
}

export async function readStaging(knex: Knex): Promise<StagingRow[]> {
  const rows = await knex('products_staging').select('*').orderBy(['src_updated_at', 'id']);
  return rows.map((r: StagingRow) => ({ ...r, id: String(r.id), src_updated_at: normalizeDatetime6(r.src_updated_at) }));
}

/** What the tables hold, keyed and shaped like the oracle's output. */
export async function actualState(knex: Knex) {
  const s = await snapshot(knex);
  return {
    products: new Map(s.products.map((p) => [JSON.stringify([p.brand_code, p.sku]), { ...p, source_id: String(p.source_id), src_updated_at: normalizeDatetime6(p.src_updated_at) }])),
    changes: s.changeLog.map((c) => ({ staging_id: String(c.staging_id), change_type: c.change_type, brand_code: c.brand_code, sku: c.sku, changed_fields: JSON.parse(c.changed_fields), new_data_version: c.new_data_version })),
    rejects: s.rejects.map((r) => ({ staging_id: String(r.staging_id), reason_code: r.reason_code })),
    watermark: s.watermark,
  };
}

export async function expectedState(knex: Knex) {
  const o = runOracle(await readStaging(knex));
  return { ...o, products: new Map(o.products.map((p) => [JSON.stringify([p.brand_code, p.sku]), p])) };
}
