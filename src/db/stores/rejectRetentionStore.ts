import type { Knex } from 'knex';
import { normalizeDatetime6 } from '../../domain/cursor';

/** Rows deleted per statement: short statements keep the row locks short while a sync may be writing rejects. */
const CHUNK = 5000;

export interface PruneResult {
  /** created_at before this (the server's clock) was pruned. */
  cutoff: string;
  deleted: number;
}

/** Retention of product_etl_reject (docs/operations.md): reject rows older than a cutoff on the server's clock. */
export const rejectRetentionStore = {
  /** The server's time `seconds` ago, as DATETIME(6) text: the database's clock decides, not this machine's. */
  async cutoff(db: Knex, seconds: number): Promise<string> {
    const [rows] = await db.raw("SELECT DATE_FORMAT(NOW(6) - INTERVAL ? MICROSECOND, '%Y-%m-%d %H:%i:%s.%f') AS at", [Math.round(seconds * 1e6)]);
    return normalizeDatetime6((rows as Array<{ at: string }>)[0].at);
  },

  async countOlderThan(db: Knex, cutoff: string): Promise<number> {
    const [{ n }] = await db('product_etl_reject').where('created_at', '<', cutoff).count<{ n: number | string }[]>({ n: '*' });
    return Number(n);
  },

  /** Deletes in chunks on idx_reject_created until none is left before the cutoff. */
  async deleteOlderThan(db: Knex, cutoff: string): Promise<number> {
    let deleted = 0;
    for (;;) {
      const [result] = await db.raw('DELETE FROM product_etl_reject WHERE created_at < ? ORDER BY created_at LIMIT ?', [cutoff, CHUNK]);
      const n = (result as { affectedRows: number }).affectedRows;
      deleted += n;
      if (n < CHUNK) return deleted;
    }
  },
};
