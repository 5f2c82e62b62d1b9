import type { Knex } from 'knex';
import type { ChangeEntry } from '../../domain/applyPlan';
import { send } from '../sql/execute';
import { idLiteral, nullableString, stringLiteral } from '../sql/literal';
import { multiRowStatements } from '../sql/multiRowInsert';

export interface RunIdentity {
  workflowId: string;
  runId: string;
}

const HEAD =
  'INSERT INTO product_change_log (product_id, brand_code, sku, change_type, changed_fields, `before`, `after`, ' +
  'old_data_version, new_data_version, staging_id, src_updated_at, workflow_id, run_id) VALUES ';

/** A batch's change-log rows rendered as SQL except for the product ids, which the products upsert yields. */
export interface RenderedChanges {
  keys: string[];
  /** Everything after `(product_id`, up to and including the closing parenthesis. */
  tails: string[];
}

export const changeLogStore = {
  /** The CPU-heavy part (escaping kilobytes of JSON), done while the server runs the products upsert. */
  render(changes: readonly ChangeEntry[], run: RunIdentity): RenderedChanges {
    const runLiterals = ',' + stringLiteral(run.workflowId) + ',' + stringLiteral(run.runId) + ')';
    const keys: string[] = new Array(changes.length);
    const tails: string[] = new Array(changes.length);
    for (let i = 0; i < changes.length; i++) {
      const c = changes[i];
      keys[i] = c.key;
      tails[i] =
        ',' + stringLiteral(c.brand_code) +
        ',' + stringLiteral(c.sku) +
        ",'" + c.change_type + "'" +
        ',' + stringLiteral(JSON.stringify(c.changed_fields)) +
        ',' + nullableString(c.before) +
        ',' + stringLiteral(c.after) +
        ',' + nullableString(c.old_data_version) +
        ',' + stringLiteral(c.new_data_version) +
        ',' + idLiteral(c.staging_id) +
        ',' + stringLiteral(c.src_updated_at) +
        runLiterals;
    }
    return { keys, tails };
  },

  /** Multi-row insert; `productIds` maps each entry's key to its product id (known after the products upsert). */
  async insert(trx: Knex.Transaction, rendered: RenderedChanges, productIds: ReadonlyMap<string, string>): Promise<void> {
    const tuples = rendered.tails.map((tail, i) => {
      const productId = productIds.get(rendered.keys[i]);
      if (!productId) throw new Error(`no product id for change ${i} of the batch after the upsert`);
      return '(' + idLiteral(productId) + tail;
    });
    await Promise.all(multiRowStatements(HEAD, tuples).map((sql) => send(trx, sql)));
  },
};
