import type { Knex } from 'knex';
import type { ExistingProduct, ProductWrite } from '../../domain/applyPlan';
import { nullableCursorFromColumns } from '../../domain/cursor';
import { productKey, StoredProduct } from '../../domain/storedProduct';
import { PRODUCT_FIELDS } from '../../domain/types';
import { idLiteral, nullableString, stringLiteral } from '../sql/literal';
import { MAX_STATEMENT_BYTES, utf8Bytes } from '../sql/multiRowInsert';
import { MultiRowWriter } from '../sql/rowWriter';
import { select, send } from '../sql/execute';
import { PRODUCTS_TABLE } from '../tables';

export interface ProductKey {
  brand_code: string;
  sku: string;
}

/** A `products` row as mysql2 returns it: the stored fields, with the source as two columns and BIGINTs as text. */
export interface ProductRow extends Omit<StoredProduct, 'source'> {
  id: string | number;
  source_id: string | number | null;
  src_updated_at: string | null;
}

/** Per row, so written out field by field (test/unit/productFields.test.ts keeps it in step with PRODUCT_FIELDS). */
export function toExisting(r: ProductRow): ExistingProduct {
  return {
    id: String(r.id),
    brand_code: r.brand_code,
    sku: r.sku,
    name: r.name,
    category: r.category,
    price: r.price,
    status: r.status,
    attributes: r.attributes,
    tags: r.tags,
    data_version: r.data_version,
    source: nullableCursorFromColumns(r.src_updated_at, r.source_id),
  };
}

/** Key lookups are chunked so one statement never carries more than a few thousand literals. */
const KEY_CHUNK = 1000;

const keyTuple = (k: ProductKey) => `(${stringLiteral(k.brand_code)},${stringLiteral(k.sku)})`;

/** The columns a product has beside the record's fields. */
const TRACKING = ['data_version', 'source_id', 'src_updated_at'] as const;

const READ_COLUMNS = ['id', ...PRODUCT_FIELDS, ...TRACKING].join(', ');

/** Every column written after the key, in the order payloadLiterals renders them. */
export const PAYLOAD: readonly string[] = [...PRODUCT_FIELDS.filter((f) => f !== 'brand_code' && f !== 'sku'), ...TRACKING];
export const INSERT_HEAD = `INSERT INTO ${PRODUCTS_TABLE} (brand_code, sku, ${PAYLOAD.join(', ')}) VALUES `;
export const UPDATE_HEAD = `INSERT INTO ${PRODUCTS_TABLE} (id, brand_code, sku, ${PAYLOAD.join(', ')}) VALUES `;
export const UPDATE_TAIL = ` ON DUPLICATE KEY UPDATE ${PAYLOAD.map((c) => `${c} = VALUES(${c})`).join(', ')}`;

/**
 * The product's columns after the key, as SQL literals, comma-led, in PAYLOAD's order. Per row, so written out
 * field by field (test/unit/productFields.test.ts checks it against PAYLOAD).
 */
function payloadLiterals(p: StoredProduct): string {
  return (
    ',' + stringLiteral(p.name) +
    ',' + nullableString(p.category) +
    ',' + (p.price === null ? 'NULL' : stringLiteral(p.price)) +
    ',' + stringLiteral(p.status) +
    ',' + nullableString(p.attributes) +
    ',' + nullableString(p.tags) +
    ',' + nullableString(p.data_version) +
    ',' + (p.source ? idLiteral(p.source.id) + ',' + stringLiteral(p.source.at) : 'NULL,NULL')
  );
}

/** The write's tuple: `(id, key, payload)` for a product that existed, `(key, payload)` for a new one. */
export function productTuple(w: ProductWrite): string {
  const p = w.product;
  const key = stringLiteral(p.brand_code) + ',' + stringLiteral(p.sku);
  return w.id ? '(' + idLiteral(w.id) + ',' + key + payloadLiterals(p) + ')' : '(' + key + payloadLiterals(p) + ')';
}

/** The byte size of the one-row statement that writes `w`. */
export function productStatementBytes(w: ProductWrite): number {
  const fixed = w.id ? UPDATE_HEAD.length + UPDATE_TAIL.length : INSERT_HEAD.length;
  return fixed + Buffer.byteLength(productTuple(w));
}

/**
 * How ids of newly inserted products are learnt. With innodb_autoinc_lock_mode 0 or 1 (MariaDB's default) a
 * multi-row INSERT that names no ids gets consecutive ones, first + k * auto_increment_increment, so they follow
 * from the statement's insertId. Under mode 2 (MySQL 8's default, and Galera) they may interleave with other
 * sessions' inserts, so they are read back by key.
 */
export interface IdAllocation {
  consecutive: boolean;
  increment: number;
}

export async function readIdAllocation(db: Knex | Knex.Transaction): Promise<IdAllocation> {
  const [row] = await select<{ mode: string | number; inc: string | number }>(db, 'SELECT @@innodb_autoinc_lock_mode AS mode, @@auto_increment_increment AS inc');
  return { consecutive: Number(row.mode) <= 1, increment: Number(row.inc) };
}

export const productStore = {
  /** One read (per 1000 keys) of the products with the given keys, as a map by productKey. */
  async findByKeys(db: Knex | Knex.Transaction, keys: readonly ProductKey[], limit = MAX_STATEMENT_BYTES): Promise<Map<string, ExistingProduct>> {
    const found = new Map<string, ExistingProduct>();
    for (const r of await selectByKeys<ProductRow>(db, READ_COLUMNS, keys, limit)) found.set(productKey(r.brand_code, r.sku), toExisting(r));
    return found;
  },

  /**
   * Writes the batch's final product states: products that existed are updated by id (INSERT ... ON DUPLICATE KEY
   * UPDATE on the primary key, which MySQL 8 and MariaDB both accept), new ones are inserted. Returns the id of
   * every written key. The statements go out as soon as the caller yields (they are queued on the transaction's
   * connection), so the caller can build its next statements while the server runs these.
   */
  async upsert(trx: Knex.Transaction, writes: readonly ProductWrite[], ids: IdAllocation, limit = MAX_STATEMENT_BYTES): Promise<Map<string, string>> {
    const { known, inserted, updateStatements, insertStatements } = upsertStatements(writes, limit);
    // Every statement's promise is joined at once: one left waiting unobserved while an earlier one fails would be
    // an unhandled rejection, which ends the worker process.
    const [, results] = await Promise.all([Promise.all(updateStatements.map((sql) => send(trx, sql))), Promise.all(insertStatements.map((sql) => send(trx, sql)))]);
    if (!ids.consecutive) {
      for (const [key, id] of await readIds(trx, inserted, limit)) known.set(key, id);
      return known;
    }
    let k = 0;
    for (const result of results) {
      const first = BigInt(result.insertId);
      for (let i = 0; i < result.affectedRows; i++, k++) {
        known.set(productKey(inserted[k].brand_code, inserted[k].sku), String(first + BigInt(i * ids.increment)));
      }
    }
    if (k !== inserted.length) throw new Error(`inserted ${k} products, expected ${inserted.length}`);
    return known;
  },
};

/**
 * The upsert's statements, and what it keeps while they run: the ids already known and the keys it inserts, not the
 * products (their JSON is in the statement bytes by then, and the batch's objects can go; applyBatch.ts sendWrites).
 * Updates are written first, then inserts: one statement writer at a time (rowWriter.ts).
 */
export function upsertStatements(writes: readonly ProductWrite[], limit: number) {
  const known = new Map<string, string>();
  const inserted: ProductKey[] = [];
  const updates = new MultiRowWriter(UPDATE_HEAD, UPDATE_TAIL, limit, `A ${PRODUCTS_TABLE} row`);
  for (const w of writes) {
    if (!w.id) continue;
    known.set(productKey(w.product.brand_code, w.product.sku), w.id);
    writeProductRow(updates, w);
  }
  const updateStatements = updates.finish();
  const inserts = new MultiRowWriter(INSERT_HEAD, '', limit, `A ${PRODUCTS_TABLE} row`);
  for (const w of writes) {
    if (w.id) continue;
    inserted.push({ brand_code: w.product.brand_code, sku: w.product.sku });
    writeProductRow(inserts, w);
  }
  return { known, inserted, updateStatements, insertStatements: inserts.finish() };
}

/** productTuple, written into the statement's bytes (test/unit/rowWriter.test.ts holds the two equal). */
function writeProductRow(out: MultiRowWriter, w: ProductWrite): void {
  const p = w.product;
  out.beginRow();
  if (w.id) out.ascii(idLiteral(w.id)).comma();
  out.str(p.brand_code).comma().str(p.sku);
  out.comma().str(p.name);
  out.comma().strOrNull(p.category);
  out.comma().strOrNull(p.price);
  out.comma().str(p.status);
  out.comma().strOrNull(p.attributes);
  out.comma().strOrNull(p.tags);
  out.comma().strOrNull(p.data_version);
  if (p.source) out.comma().ascii(idLiteral(p.source.id)).comma().str(p.source.at);
  else out.ascii(',NULL,NULL');
  out.endRow();
}

async function readIds(trx: Knex.Transaction, keys: readonly ProductKey[], limit: number): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (const r of await selectByKeys<{ id: string; brand_code: string; sku: string }>(trx, 'id, brand_code, sku', keys, limit)) {
    ids.set(productKey(r.brand_code, r.sku), String(r.id));
  }
  return ids;
}

/** The products with the given keys: one statement per 1000 keys, or fewer when the connection's limit is small. */
async function selectByKeys<T>(db: Knex | Knex.Transaction, columns: string, keys: readonly ProductKey[], limit: number): Promise<T[]> {
  const head = `SELECT ${columns} FROM ${PRODUCTS_TABLE} WHERE (brand_code, sku) IN (`;
  const budget = Math.min(MAX_STATEMENT_BYTES, limit) - head.length - 1;
  const found: T[] = [];
  let chunk: string[] = [];
  let bytes = 0;
  const flush = async () => {
    if (chunk.length > 0) found.push(...(await select<T>(db, head + chunk.join(',') + ')')));
    chunk = [];
    bytes = 0;
  };
  for (const key of keys) {
    const tuple = keyTuple(key);
    const size = utf8Bytes(tuple, budget) + 1;
    // A key is at most 32 + 64 code points (spec section 3), so it fits any max_allowed_packet the server accepts.
    if (chunk.length > 0 && (bytes + size > budget || chunk.length >= KEY_CHUNK)) await flush();
    chunk.push(tuple);
    bytes += size;
  }
  await flush();
  return found;
}
