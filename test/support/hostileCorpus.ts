import type { StagingInsert } from './testDatabase';

/**
 * Staging rows a hostile upstream could send to break hand-built SQL on a connection whose character set is gbk,
 * big5 or sjis: a character whose UTF-8 form ends in a byte those character sets take as the lead byte of a
 * two-byte character, then a quote. Escaped as `\'`, the lead byte swallows the backslash (0x5C is a valid trail
 * byte in all three) and the quote closes the string; the tail then tries to read the server's version and accounts,
 * change the price, and forge the change log's run identity.
 *
 * U+4E01 (E4 B8 81) and U+4E2D (E4 B8 AD) end in a byte in 0x81-0x9F and 0xA1-0xBF; a leading ASCII letter shifts
 * the two-byte alignment, so both parities are covered.
 */
export const HOSTILE_PREFIXES = ['\u4e01', '\u4e2d', 'a\u4e01', '\u30fc', 'x\u4e2d'] as const;

const SQL_TAIL = ", (SELECT VERSION()), (SELECT GROUP_CONCAT(user) FROM mysql.user), '0.01', 'active', '{}', '[]', NULL, NULL, NULL, 'forged-wf', 'forged-run') -- ";
const SHORT_TAIL = "),('X";

export function hostileRows(): StagingInsert[] {
  const rows: StagingInsert[] = [];
  let n = 0;
  const at = () => `2026-01-01 00:00:${String(Math.floor(n / 1000)).padStart(2, '0')}.${String(n++ % 1000).padStart(6, '0')}`;
  const base = (sku: string): StagingInsert => ({ brand_code: 'HB', sku, name: 'plain name', category: 'a/b', price: '1.00', status: 'active', attributes: '{}', tags: '[]', src_updated_at: at() });
  for (const [i, h] of HOSTILE_PREFIXES.entries()) {
    const q = `${h}'`;
    rows.push({ ...base(`S${i}-brand`), brand_code: `${q}${SHORT_TAIL}`.slice(0, 32) });
    rows.push({ ...base(`S${i}-sku`), sku: `${q}${SHORT_TAIL} OR 1=1 -- `.slice(0, 64) });
    rows.push({ ...base(`S${i}-name`), name: `${q}${SQL_TAIL}`.slice(0, 255) });
    rows.push({ ...base(`S${i}-category`), category: `${q}/${h}\\'/${SHORT_TAIL}`.slice(0, 128) });
    rows.push({ ...base(`S${i}-price`), price: `${q}1`.slice(0, 32) });
    rows.push({ ...base(`S${i}-status`), status: `${q}x`.slice(0, 16) });
    rows.push({ ...base(`S${i}-attr-value`), attributes: JSON.stringify({ k: `${q}${SQL_TAIL}`, nested: { [`${q}`]: [`${q}\\`] } }) });
    rows.push({ ...base(`S${i}-attr-key`), attributes: JSON.stringify({ [`${q}${SQL_TAIL}`]: 1 }) });
    rows.push({ ...base(`S${i}-tags`), tags: JSON.stringify([`${q}${SQL_TAIL}`, `${h}\\`]) });
    rows.push({ ...base(`S${i}-bad-attr`), attributes: `{"${q}${SQL_TAIL}` });
    // The same product again, so the change log's `before` carries hostile text too.
    rows.push({ ...base(`S${i}-name`), name: `${h}\\${SQL_TAIL}`.slice(0, 255) });
  }
  return rows;
}
