import type { Knex } from 'knex';
import type { ChangeEntry } from '../../domain/applyPlan';
import { insertInChunks } from './chunkedInsert';

export interface RunIdentity {
  workflowId: string;
  runId: string;
}

export const changeLogStore = {
  /** Multi-row insert; `productIds` maps each entry's key to its product id (known after the products upsert). */
  async insert(trx: Knex.Transaction, changes: readonly ChangeEntry[], productIds: ReadonlyMap<string, string>, run: RunIdentity): Promise<void> {
    const rows = changes.map((c) => {
      const productId = productIds.get(c.key);
      if (!productId) throw new Error(`no product id for ${c.brand_code}/${c.sku} after upsert`);
      return {
        product_id: productId,
        brand_code: c.brand_code,
        sku: c.sku,
        change_type: c.change_type,
        changed_fields: JSON.stringify(c.changed_fields),
        before: c.before,
        after: c.after,
        old_data_version: c.old_data_version,
        new_data_version: c.new_data_version,
        staging_id: c.staging_id,
        src_updated_at: c.src_updated_at,
        workflow_id: run.workflowId,
        run_id: run.runId,
      };
    });
    await insertInChunks(rows, (chunk) => trx('product_change_log').insert(chunk));
  },
};
