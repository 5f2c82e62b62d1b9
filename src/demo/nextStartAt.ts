import type { Knex } from 'knex';
import { normalizeDatetime6 } from '../domain/cursor';

/**
 * Where new demo rows should start so that the next sync reads them: one second after both the watermark and the
 * newest staging row. Dated at the generator's fixed default instead, a second seed-demo would land behind the
 * watermark and no resumed run would ever read it (issue 13, item 7). Undefined when there is neither (a fresh
 * database): the generator's fixed default then keeps a seed's table the same every time.
 */
export async function nextDemoStartAt(knex: Knex, opts: { staging: boolean }): Promise<string | undefined> {
  const parts: string[] = [];
  if (opts.staging && (await knex.schema.hasTable('products_staging'))) parts.push('SELECT MAX(src_updated_at) AS at FROM products_staging');
  if (await knex.schema.hasTable('etl_watermark')) parts.push('SELECT MAX(last_processed_at) AS at FROM etl_watermark');
  if (parts.length === 0) return undefined;
  const [rows] = await knex.raw(
    `SELECT DATE_FORMAT(MAX(at) + INTERVAL 1 SECOND, '%Y-%m-%d %H:%i:%s.%f') AS next FROM (${parts.join(' UNION ALL ')}) latest`,
  );
  const next = (rows as Array<{ next: string | null }>)[0].next;
  return next ? normalizeDatetime6(next) : undefined;
}
