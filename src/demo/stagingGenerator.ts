/**
 * Deterministic generator of realistic, messy `products_staging` rows for demos, tests and benchmarks.
 *
 * Pure: the same options always give the same rows (a seeded mulberry32 PRNG; never Math.random or the clock), and
 * a generator function, so a million rows stream through without ever being held in memory at once.
 *
 * What the rows look like (proportions are rough and per row):
 *  - ~85% are accepted by normalizeProduct, but in messy forms: full-width letters and digits, U+3000 spaces,
 *    prices like '¥1,299.00' / '１２９９' / 'RMB 99.5' / '88元' / '12.345', statuses like 'ON' / '1' / '下架' / null,
 *    pretty-printed attributes with full-width keys and null members, tags with numbers, duplicates and nulls.
 *  - ~15% are rejected, spread over every reject reason of the spec (see BAD_ROW_KINDS). A bad row breaks exactly one
 *    field of an otherwise valid row, so its reject reason is the one the kind names.
 *  - Keys repeat: `(brand_code, sku)` is drawn from `keySpace` keys (default rows/3), so later rows update earlier
 *    products, and a key is often written in another case or width ('belle' / 'ＢＥＬＬＥ') that normalises to the
 *    same key. A key's name, category and base attributes are derived from the key alone, so many repeats
 *    normalise to the same data (the sync's "unchanged" path) while others change price, status or colour.
 *  - src_updated_at never decreases; it advances by a random 0-3 ms step with microsecond digits, and in bursts of
 *    5-50 rows it does not move at all, so many rows share one value (the cursor's hard case).
 *
 * Every value fits its staging column (VARCHAR lengths count code points), so strict-mode inserts never fail.
 * The "too long" rejects get there through NFKC or upper-case expansion ('㈱' -> '(株)', 'ß' -> 'SS').
 */
import type { RejectReason, StagingRow } from '../domain/types';

export type GeneratedStagingRow = Omit<StagingRow, 'id'>;

export interface StagingGeneratorOptions {
  rows: number;
  /** Any integer; taken modulo 2^32. Default DEFAULT_SEED. */
  seed?: number;
  /** 'YYYY-MM-DD HH:MM:SS[.ffffff]': src_updated_at of the first row. Default DEFAULT_START_AT. */
  startAt?: string;
  /** How many distinct (brand_code, sku) keys rows are drawn from. Default max(1, floor(rows / 3)). */
  keySpace?: number;
}

export const DEFAULT_SEED = 20260101;
export const DEFAULT_START_AT = '2026-01-01 00:00:00.000000';
/** generateStagingRowsArray materialises everything; above this, stream with generateStagingRows instead. */
export const MAX_ARRAY_ROWS = 200_000;

// ---------------------------------------------------------------------------------------------------------------
// PRNG

/** mulberry32: tiny, fast, good enough for test data, and identical on every platform (32-bit integer math only). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The few draws the generator needs, on top of mulberry32. */
export class Rng {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  /** Uniform integer in [lo, hi], both inclusive. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }
}

/** A key's own PRNG stream: its base product must not depend on where in the run the key is first drawn. */
function keySeed(seed: number, key: number): number {
  return (Math.imul(seed ^ 0x5bd1e995, 0x9e3779b1) ^ Math.imul(key + 1, 0x85ebca6b)) >>> 0;
}

// ---------------------------------------------------------------------------------------------------------------
// Vocabulary

const BRANDS = [
  { code: 'BELLE', prefix: 'BL', display: '百丽' },
  { code: 'TATA', prefix: 'TT', display: '他她' },
  { code: 'TEENMIX', prefix: 'TM', display: '天美意' },
  { code: 'STACCATO', prefix: 'ST', display: '思加图' },
  { code: 'BASTO', prefix: 'BS', display: '百思图' },
  { code: 'JOY&PEACE', prefix: 'JP', display: '真美诗' },
  { code: 'SKAP', prefix: 'SK', display: '圣伽步' },
  { code: 'FILA', prefix: 'FL', display: '斐乐' },
] as const;

const GENDERS = ['男士', '女式', '女士', '儿童', '男童', '女童'] as const;
const STYLES = ['休闲', '商务', '运动', '复古', '时尚', '简约', '英伦', '通勤'] as const;
const MATERIALS = ['真皮', '牛皮', '羊皮', '网面', '帆布', ''] as const;
const SHOES = [
  { name: '皮鞋', category: '皮鞋' },
  { name: '高跟凉鞋', category: '凉鞋' },
  { name: '单鞋', category: '单鞋' },
  { name: '短靴', category: '靴子' },
  { name: '切尔西靴', category: '靴子' },
  { name: '帆布鞋', category: '休闲鞋' },
  { name: '乐福鞋', category: '单鞋' },
  { name: '运动鞋', category: '运动鞋' },
  { name: '拖鞋', category: '拖鞋' },
] as const;
const COLORS = ['黑色', '白色', '米色', '棕色', '酒红', '杏色', '灰色', '藏青'] as const;
const ORIGINS = ['中国', '广东东莞', '越南', '意大利'] as const;
const HEELS = ['平跟', '粗跟', '细跟', '坡跟'] as const;
const TAGS = ['新品', '热卖', '春季', '夏季', '秋冬', '通勤', '百搭', '真皮', '舒适', '爆款', 'SALE', 'VIP'] as const;

const IDEOGRAPHIC_SPACE = '\u3000';

/** ASCII '!'..'~' to their full-width forms U+FF01..U+FF5E, which NFKC maps back. */
function fullWidth(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    out += c >= 0x21 && c <= 0x7e ? String.fromCharCode(c + 0xfee0) : ch === ' ' ? IDEOGRAPHIC_SPACE : ch;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// A key's base product: derived from (seed, key) only

type StatusKind = 'active' | 'inactive' | 'deleted';

interface BaseProduct {
  brand: string;
  brandDisplay: string;
  sku: string;
  name: string;
  category: string;
  priceCents: number;
  status: StatusKind;
  color: string;
  attributes: Record<string, unknown>;
  tags: string[];
}

function baseProduct(seed: number, key: number): BaseProduct {
  const r = new Rng(keySeed(seed, key));
  const brand = BRANDS[key % BRANDS.length] as (typeof BRANDS)[number];
  const gender = r.pick(GENDERS);
  const shoe = r.pick(SHOES);
  const material = r.pick(MATERIALS);
  const section = gender.startsWith('男') ? '男鞋' : gender.startsWith('女') ? '女鞋' : '童鞋';
  // The key number is in the sku, so two keys never collide; year and season letter make it look like a real one.
  const sku = `${brand.prefix}${r.int(22, 26)}${r.pick(['A', 'B', 'C', 'D'])}${key.toString(36).toUpperCase().padStart(5, '0')}`;
  const color = r.pick(COLORS);
  const sizes = gender.endsWith('童') ? [28, 30, 32, 34] : gender === '男士' ? [39, 40, 41, 42, 43] : [35, 36, 37, 38, 39];
  const s = r.int(1, 100);
  return {
    brand: brand.code,
    brandDisplay: brand.display,
    sku,
    name: `${gender}${r.pick(STYLES)}${material}${shoe.name}`,
    category: `鞋/${section}/${shoe.category}`,
    priceCents: r.int(59, 3999) * 100 + (r.chance(0.3) ? r.pick([50, 90, 99]) : 0),
    status: s <= 85 ? 'active' : s <= 95 ? 'inactive' : 'deleted',
    color,
    attributes: {
      color,
      material: material === '' ? null : material,
      sizes: sizes.slice(0, r.int(2, sizes.length)),
      heel: { type: r.pick(HEELS), height_cm: r.pick([0.5, 1, 2.5, 3.5, 5, 7.5, 9]) },
      origin: r.pick(ORIGINS),
      waterproof: r.chance(0.2),
    },
    tags: TAGS.filter(() => r.chance(0.25)),
  };
}

/**
 * How often each field of a repeated key carries new data ("drift"). Otherwise the field is only re-rendered in
 * another messy form that normalises to the key's base value, so about half of all rows change nothing, and the
 * sync's unchanged path is exercised as much as its update path.
 */
const DRIFT = { name: 0.1, category: 0.03, price: 0.2, status: 0.15, attributes: 0.1, tags: 0.15 } as const;

// ---------------------------------------------------------------------------------------------------------------
// Messy renderings (valid: each normalises without a reject)

function messyKey(r: Rng, canonical: string): string {
  const p = r.int(1, 100);
  if (p <= 70) return canonical;
  if (p <= 80) return canonical.toLowerCase();
  if (p <= 90) return fullWidth(canonical);
  if (p <= 95) return ` ${canonical.charAt(0)}${canonical.slice(1).toLowerCase()} `;
  return `${IDEOGRAPHIC_SPACE}${fullWidth(canonical.toLowerCase())}${IDEOGRAPHIC_SPACE}`;
}

function messyName(r: Rng, b: BaseProduct, drift: boolean): string {
  if (!drift) return r.pick([b.name, b.name, b.name, `  ${b.name}\t`, `${IDEOGRAPHIC_SPACE}${b.name}`]);
  switch (r.int(0, 3)) {
    case 0: return `${fullWidth(b.brand)}${IDEOGRAPHIC_SPACE}${b.name}`;
    case 1: return `${b.brandDisplay} ${b.name}（${b.color}）`;
    case 2: return `【新款】${b.name}`;
    default: return `${b.name.slice(0, 2)}${IDEOGRAPHIC_SPACE}${IDEOGRAPHIC_SPACE}${b.name.slice(2)}`;
  }
}

function messyCategory(r: Rng, category: string, drift: boolean): string | null {
  if (drift) return r.pick([null, '   ', '鞋', '鞋/促销']);
  switch (r.int(0, 5)) {
    case 0: return category.split('/').join(' / ');
    case 1: return category.split('/').join('／'); // full-width solidus: NFKC makes it '/'
    case 2: return `/${category.replace('/', '//')}/ `;
    default: return category;
  }
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

/** '1299', '1299.5', '1299.99': the shortest form, as people type it. */
function yuanText(cents: number): string {
  const frac = cents % 100;
  return frac === 0 ? String(Math.floor(cents / 100)) : `${Math.floor(cents / 100)}.${pad2(frac).replace(/0$/, '')}`;
}

function withThousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function messyPrice(r: Rng, b: BaseProduct, drift: boolean): string | null {
  if (drift && r.chance(0.1)) return null;
  // A drifted price is a 0-40% discount, rounded to whole tens of fen.
  const cents = drift ? Math.max(100, Math.round((b.priceCents * r.int(60, 100)) / 1000) * 10) : b.priceCents;
  const whole = Math.floor(cents / 100);
  const frac2 = pad2(cents % 100);
  switch (r.int(0, 10)) {
    case 0: return `${whole}.${frac2}`;
    case 1: return `¥${withThousands(whole)}.${frac2}`;
    case 2: return `￥${yuanText(cents)}`;
    case 3: return fullWidth(yuanText(cents));
    case 4: return `RMB ${yuanText(cents)}`;
    case 5: return `cny${whole}.${frac2}`;
    case 6: return `${yuanText(cents)}元`;
    // Three decimals that round half up to the same cents: 1298.995 -> 1299.00.
    case 7: return `${Math.floor((cents - 1) / 100)}.${pad2((cents - 1) % 100)}5`;
    case 8: return `${IDEOGRAPHIC_SPACE}${withThousands(whole)}.${frac2}${IDEOGRAPHIC_SPACE}`;
    case 9: return `${whole}.${frac2}0`;
    default: return yuanText(cents);
  }
}

const STATUS_FORMS: Readonly<Record<StatusKind, ReadonlyArray<string | null>>> = {
  // null and blank mean active (spec section 3).
  active: ['active', 'active', 'active', 'ON', '1', 'Yes', 'TRUE', '上架', 'ＯＮ', ' Active ', null, ''],
  inactive: ['inactive', 'inactive', 'off', '0', '下架', 'No ', 'ＦＡＬＳＥ'],
  deleted: ['deleted', 'deleted', 'DELETED', ' Deleted\t'],
};

function messyStatus(r: Rng, b: BaseProduct, drift: boolean): string | null {
  const kind = drift ? r.pick<StatusKind>(['active', 'inactive', 'inactive', 'deleted']) : b.status;
  return r.pick(STATUS_FORMS[kind]);
}

/** Full-width letters in some keys, U+3000 padding in some strings, null members (dropped by the normaliser). */
function messyAttributes(r: Rng, b: BaseProduct, drift: boolean): string | null {
  const attrs: Record<string, unknown> = { ...b.attributes };
  if (drift) {
    const d = r.int(0, 3);
    if (d === 0) return r.pick([null, '', ' {} ']);
    if (d === 1) attrs['color'] = r.pick(COLORS);
    else attrs['lining'] = { material: r.pick(['羊皮', '猪皮', '织物']), breathable: true, notes: [null, ' 透气 '] };
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(attrs)) {
    const k = r.chance(0.15) ? fullWidth(key) : key;
    out[k] = typeof value === 'string' && r.chance(0.2) ? `${IDEOGRAPHIC_SPACE}${value} ` : value;
  }
  if (r.chance(0.2)) out['remark'] = null;
  switch (r.int(0, 3)) {
    case 0: return JSON.stringify(out);
    case 1: return JSON.stringify(out, null, 2);
    case 2: return `  ${JSON.stringify(out, null, '\t')}\n`;
    // Spaces after every ':' and ','; no vocabulary string contains either, so only the layout changes.
    default: return `{ ${JSON.stringify(out).slice(1, -1).replace(/([:,])/g, '$1 ')} }`;
  }
}

function messyTags(r: Rng, b: BaseProduct, drift: boolean): string | null {
  const out: Array<string | number | null> = b.tags.map((t) => (t === 'SALE' && r.chance(0.5) ? fullWidth(t) : t));
  if (drift) {
    const d = r.int(0, 3);
    if (d === 0) out.push(2026); // a number: becomes the tag "2026"
    else if (d === 1) out.push(` ${r.pick(TAGS)}${IDEOGRAPHIC_SPACE}`);
    else if (d === 2) out.push(1.5);
    else out.length = 0;
  }
  if (out.length === 0 && r.chance(0.5)) return r.pick([null, '', ' ', '[]']);
  if (r.chance(0.3) && b.tags.length > 0) out.push(` ${r.pick(b.tags)} `); // a duplicate after text()
  if (r.chance(0.2)) out.push(null);
  // Shuffle (Fisher-Yates) so the normaliser's de-duplication and sort have work to do.
  for (let i = out.length - 1; i > 0; i--) {
    const j = r.int(0, i);
    [out[i], out[j]] = [out[j] ?? null, out[i] ?? null];
  }
  return r.chance(0.3) ? JSON.stringify(out, null, 1) : JSON.stringify(out);
}

// ---------------------------------------------------------------------------------------------------------------
// Bad rows: each kind breaks one field, so its reject reason is known (the normaliser checks fields in table order)

export interface BadRowKind {
  name: string;
  reason: RejectReason;
  apply(r: Rng, row: GeneratedStagingRow): void;
}

function deeplyNested(levels: number): string {
  return `${'{"a":'.repeat(levels - 1)}{}${'}'.repeat(levels - 1)}`;
}

/** Exported so tests and docs can list what the generator covers. */
export const BAD_ROW_KINDS: readonly BadRowKind[] = [
  { name: 'missing brand', reason: 'MISSING_BRAND_CODE', apply: (r, row) => { row.brand_code = r.pick([null, '', '   ', IDEOGRAPHIC_SPACE, '\t']); } },
  { name: 'missing sku', reason: 'MISSING_SKU', apply: (r, row) => { row.sku = r.pick([null, '', ' ', `${IDEOGRAPHIC_SPACE}${IDEOGRAPHIC_SPACE}`]); } },
  { name: 'missing name', reason: 'MISSING_NAME', apply: (r, row) => { row.name = r.pick([null, '', ' \t ', IDEOGRAPHIC_SPACE]); } },
  // 18-24 code points fit VARCHAR(32), but every 'ß' upper-cases to 'SS': 33-45.
  { name: 'brand too long', reason: 'FIELD_TOO_LONG', apply: (r, row) => { row.brand_code = `WEIß${'ß'.repeat(r.int(14, 20))}`; } },
  // '㍿' is one code point that NFKC turns into four.
  { name: 'sku too long', reason: 'FIELD_TOO_LONG', apply: (r, row) => { row.sku = `${row.sku ?? 'X'}-${'㍿'.repeat(r.int(15, 20))}`; } },
  { name: 'name too long', reason: 'FIELD_TOO_LONG', apply: (r, row) => { row.name = `${'㈱'.repeat(r.int(86, 120))}${row.name ?? ''}`; } },
  { name: 'category too long', reason: 'FIELD_TOO_LONG', apply: (r, row) => { row.category = `鞋/${'㈱'.repeat(r.int(43, 60))}`; } },
  { name: 'price not a number', reason: 'INVALID_PRICE', apply: (r, row) => { row.price = r.pick(['N/A', '面议', 'TBD', '-99', '1.2.3', '$99', '1e3', '¥', '99.9.9元', '十元']); } },
  { name: 'price too large', reason: 'INVALID_PRICE', apply: (r, row) => { row.price = r.pick(['99999999999', '¥10,000,000,000.00', '9999999999.995']); } },
  { name: 'unknown status', reason: 'INVALID_STATUS', apply: (r, row) => { row.status = r.pick(['待定', 'pending', 'unknown', '2', '上线', 'enabled', '已删除']); } },
  { name: 'attributes not JSON', reason: 'INVALID_ATTRIBUTES', apply: (r, row) => { row.attributes = r.pick(['{color: "黑色"}', '{"color":"黑色",}', '{"color":"黑色"', "{'color':'黑色'}", '颜色=黑色']); } },
  { name: 'attributes an array', reason: 'INVALID_ATTRIBUTES', apply: (r, row) => { row.attributes = r.pick(['["黑色","白色"]', ' [ {"color":"黑色"} ] ', '[]']); } },
  { name: 'attributes a scalar', reason: 'INVALID_ATTRIBUTES', apply: (r, row) => { row.attributes = r.pick(['"黑色"', '42', 'null', 'true']); } },
  { name: 'attributes keys collide', reason: 'INVALID_ATTRIBUTES', apply: (r, row) => { row.attributes = r.pick(['{"ｃｏｌｏｒ":"黑色","color":"白色"}', '{"size":38," size ":39}', '{"color":"黑","color":"白"}']); } },
  { name: 'attributes blank key', reason: 'INVALID_ATTRIBUTES', apply: (r, row) => { row.attributes = r.pick(['{"":1}', '{"\u3000":"x"}', '{"heel":{" ":2}}']); } },
  { name: 'attributes too deep', reason: 'INVALID_ATTRIBUTES', apply: (_r, row) => { row.attributes = deeplyNested(101); } },
  { name: 'tags an object', reason: 'INVALID_TAGS', apply: (r, row) => { row.tags = r.pick(['{"tag":"新品"}', '{}', ' {"0":"热卖","1":"百搭"} ']); } },
  { name: 'tags not JSON', reason: 'INVALID_TAGS', apply: (r, row) => { row.tags = r.pick(['[新品, 热卖]', '新品,热卖', '["新品",', "['新品']"]); } },
  { name: 'tags bad element', reason: 'INVALID_TAGS', apply: (r, row) => { row.tags = r.pick(['["新品",true]', '[["新品"]]', '[{"name":"热卖"}]', '[false]']); } },
  { name: 'tags a scalar', reason: 'INVALID_TAGS', apply: (r, row) => { row.tags = r.pick(['"新品"', '2026', 'null']); } },
];

const BAD_ROW_RATE = 0.15;

// ---------------------------------------------------------------------------------------------------------------
// Timestamps: microseconds since the epoch as bigint, so any DATETIME(6) up to 9999 is exact

const START_AT_PATTERN = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/;

export function parseDatetime6(text: string): bigint {
  const m = START_AT_PATTERN.exec(text);
  if (m === null) throw new RangeError(`startAt must look like 'YYYY-MM-DD HH:MM:SS.ffffff' (got ${JSON.stringify(text)})`);
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  // Date.UTC silently rolls 2026-02-30 over to March: a round trip catches it. DATETIME starts at year 1000.
  if (y < 1000 || formatDatetime6(BigInt(ms) * 1000n).slice(0, 19) !== text.slice(0, 19)) {
    throw new RangeError(`startAt is not a valid DATETIME: ${JSON.stringify(text)}`);
  }
  return BigInt(ms) * 1000n + BigInt((m[7] ?? '').padEnd(6, '0'));
}

export function formatDatetime6(micros: bigint): string {
  // Floor division: DATETIME goes back to year 1000, where the micros are negative and `%` would be too.
  let seconds = micros / 1_000_000n;
  if (seconds * 1_000_000n > micros) seconds -= 1n;
  const iso = new Date(Number(seconds) * 1000).toISOString(); // UTC: pure arithmetic, no local time zone
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}.${String(micros - seconds * 1_000_000n).padStart(6, '0')}`;
}

/** Non-decreasing clock: steps of 0-3000 µs, and bursts of 5-50 rows that share one value. */
class StagingClock {
  private micros: bigint;
  private text: string;
  private burstLeft = 0;
  private first = true;
  constructor(start: bigint) {
    this.micros = start;
    this.text = formatDatetime6(start);
  }
  next(r: Rng): string {
    if (this.first) {
      this.first = false;
    } else if (this.burstLeft > 0) {
      this.burstLeft--;
    } else {
      const step = r.int(0, 3000);
      if (step > 0) {
        this.micros += BigInt(step);
        this.text = formatDatetime6(this.micros);
      }
      if (r.chance(0.02)) this.burstLeft = r.int(4, 49); // this row plus 4-49 more at the same instant
    }
    return this.text;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The generator

interface CheckedOptions {
  rows: number;
  seed: number;
  start: bigint;
  keySpace: number;
}

function checkedOptions(opts: StagingGeneratorOptions): CheckedOptions {
  if (!Number.isSafeInteger(opts.rows) || opts.rows < 0) throw new RangeError(`rows must be a non-negative integer (got ${opts.rows})`);
  const seed = opts.seed ?? DEFAULT_SEED;
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be an integer (got ${seed})`);
  const keySpace = opts.keySpace ?? Math.max(1, Math.floor(opts.rows / 3));
  if (!Number.isSafeInteger(keySpace) || keySpace < 1) throw new RangeError(`keySpace must be a positive integer (got ${keySpace})`);
  return { rows: opts.rows, seed: seed >>> 0, start: parseDatetime6(opts.startAt ?? DEFAULT_START_AT), keySpace };
}

/**
 * The rows, lazily: options are checked when called (so a bad option throws here, not at the first next()), and each
 * row is built only when the consumer asks for it.
 */
export function generateStagingRows(opts: StagingGeneratorOptions): Generator<GeneratedStagingRow, void, undefined> {
  return rowsFrom(checkedOptions(opts));
}

function* rowsFrom(o: CheckedOptions): Generator<GeneratedStagingRow, void, undefined> {
  const r = new Rng(o.seed);
  const clock = new StagingClock(o.start);
  for (let i = 0; i < o.rows; i++) {
    const src_updated_at = clock.next(r);
    const b = baseProduct(o.seed, r.int(0, o.keySpace - 1));
    const row: GeneratedStagingRow = {
      brand_code: messyKey(r, b.brand),
      sku: messyKey(r, b.sku),
      name: messyName(r, b, r.chance(DRIFT.name)),
      category: messyCategory(r, b.category, r.chance(DRIFT.category)),
      price: messyPrice(r, b, r.chance(DRIFT.price)),
      status: messyStatus(r, b, r.chance(DRIFT.status)),
      attributes: messyAttributes(r, b, r.chance(DRIFT.attributes)),
      tags: messyTags(r, b, r.chance(DRIFT.tags)),
      src_updated_at,
    };
    if (r.chance(BAD_ROW_RATE)) r.pick(BAD_ROW_KINDS).apply(r, row);
    yield row;
  }
}

/** The rows as an array, for tests and small demos; refuses sizes that should be streamed. */
export function generateStagingRowsArray(opts: StagingGeneratorOptions): GeneratedStagingRow[] {
  if (opts.rows > MAX_ARRAY_ROWS) {
    throw new RangeError(`generateStagingRowsArray holds every row in memory; use generateStagingRows for more than ${MAX_ARRAY_ROWS}`);
  }
  return [...generateStagingRows(opts)];
}
