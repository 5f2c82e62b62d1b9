import type { Knex } from 'knex';
import { Cursor, START_CURSOR } from '../../domain/cursor';
import { lagSeconds } from '../../domain/freshness';
import { stagingRepository } from './stagingRepository';
import { watermarkStore } from './watermarkStore';

/** How far the watermark is behind staging, as `status` shows it (docs/operations.md, "Freshness"). */
export interface Freshness {
  watermark: Cursor | null;
  /** The greatest (src_updated_at, id) in staging; null when it is empty. */
  newest: Cursor | null;
  /** src_updated_at of the newest row minus the watermark's. */
  lagSeconds: number;
  /** Rows after the watermark: what the next resumed run reads. */
  rowsBehind: number;
  /** Rows that no resumed run will read: see unreadBehind. */
  unreadBehind: number;
}

export const freshnessStore = {
  /**
   * Staging rows dated before `before` whose id is greater than `afterId`. ids are AUTO_INCREMENT, so these rows were
   * inserted after the row at the watermark (id afterId) yet carry an older src_updated_at: a cursor already past
   * them never reads them (only a lookback that covers them, or --no-resume, does). A heuristic: it cannot see rows
   * inserted with an id below the watermark's (a transaction holding its id while it stays open). One range scan on
   * the primary key, over the rows inserted since the watermark's row.
   */
  async unreadBehind(db: Knex | Knex.Transaction, afterId: string, before: string): Promise<number> {
    const [{ n }] = await db('products_staging').where('id', '>', afterId).andWhere('src_updated_at', '<', before).count<{ n: number | string }[]>({ n: '*' });
    return Number(n);
  },

  async read(db: Knex | Knex.Transaction): Promise<Freshness> {
    const { cursor: watermark } = await watermarkStore.read(db);
    const newest = await stagingRepository.lastCursor(db);
    const from = watermark ?? START_CURSOR;
    return {
      watermark,
      newest,
      lagSeconds: newest && watermark ? lagSeconds(watermark.at, newest.at) : 0,
      rowsBehind: newest ? await stagingRepository.countBetween(db, from, newest) : 0,
      unreadBehind: watermark ? await freshnessStore.unreadBehind(db, watermark.id, watermark.at) : 0,
    };
  },
};
