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

class Rng {
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

const TRUE_STATUSES = ['active', 'active', 'active', 'ON', '1', 'Yes', 'TRUE', '上架', 'ＯＮ', ' Active '] as const;
const FALSE_STATUSES = ['inactive', 'off', '0', '下架', 'No '] as const;

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

interface BaseProduct {
  brand: string;
  brandDisplay: string;
  sku: string;
  name: string;
  category: string;
  priceCents: number;
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
  const sizes = gender === '儿童' || gender.endsWith('童') ? [28, 30, 32, 34] : gender === '男士' ? [39, 40, 41, 42, 43] : [35, 36, 37, 38, 39];
  return {
    brand: brand.code,
    brandDisplay: brand.display,
    sku,
    name: `${gender}${r.pick(STYLES)}${material}${shoe.name}`,
    category: `鞋/${section}/${shoe.category}`,
    priceCents: r.int(59, 3999) * 100 + (r.chance(0.3) ? r.pick([50, 90, 99]) : 0),
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

// ---------------------------------------------------------------------------------------------------------------
// Messy but valid renderings

function messyKey(r: Rng, canonical: string): string {
  const p = r.int(1, 100);
  if (p <= 70) return canonical;
  if (p <= 80) return canonical.toLowerCase();
  if (p <= 90) return fullWidth(canonical);
  if (p <= 95) return ` ${canonical.charAt(0)}${canonical.slice(1).toLowerCase()} `;
  return `${IDEOGRAPHIC_SPACE}${fullWidth(canonical.toLowerCase())}${IDEOGRAPHIC_SPACE}`;
}

function messyName(r: Rng, b: BaseProduct): string {
  const p = r.int(1, 100);
  if (p <= 60) return b.name;
  if (p <= 70) return `${fullWidth(b.brand)}${IDEOGRAPHIC_SPACE}${b.name}`;
  if (p <= 80) return `  ${b.name}\t`;
  if (p <= 88) return `${b.brandDisplay} ${b.name}（${b.color}）`;
  if (p <= 94) return `【新款】${b.name}`;
  return `${b.name.slice(0, 2)}${IDEOGRAPHIC_SPACE}${IDEOGRAPHIC_SPACE}${b.name.slice(2)}`;
}

function messyCategory(r: Rng, category: string): string | null {
  const p = r.int(1, 100);
  if (p <= 70) return category;
  if (p <= 80) return category.split('/').join(' / ');
  if (p <= 88) return category.split('/').join('／'); // full-width solidus: NFKC makes it '/'
  if (p <= 95) return `/${category.replace('/', '//')}/ `;
  return r.chance(0.5) ? null : '   ';
}

function yuanText(cents: number): string {
  const whole = Math.floor(cents / 100);
  const frac = cents % 100;
  return frac === 0 ? String(whole) : `${whole}.${String(frac).padStart(2, '0').replace(/0$/, '')}`;
}

function withThousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function messyPrice(r: Rng, cents: number): string | null {
  const whole = Math.floor(cents / 100);
  const frac2 = String(cents % 100).padStart(2, '0');
  switch (r.int(0, 11)) {
    case 0: return yuanText(cents);
    case 1: return `${whole}.${frac2}`;
    case 2: return `¥${withThousands(whole)}.${frac2}`;
    case 3: return `￥${yuanText(cents)}`;
    case 4: return fullWidth(yuanText(cents));
    case 5: return `RMB ${yuanText(cents)}`;
    case 6: return `cny${whole}.${frac2}`;
    case 7: return `${yuanText(cents)}元`;
    // Three decimals that round half up to the same cents: 1298.995 -> 1299.00.
    case 8: return cents > 0 ? `${yuanText(cents - 1).includes('.') ? '' : ''}${Math.floor((cents - 1) / 100)}.${String((cents - 1) % 100).padStart(2, '0')}5` : '0';
    case 9: return `${IDEOGRAPHIC_SPACE}${withThousands(whole)}${IDEOGRAPHIC_SPACE}`;
    case 10: return r.chance(0.3) ? null : yuanText(cents);
    default: return `${yuanText(cents)}.000`.replace(/\.(\d+)\.000$/, '.$1');
  }
}

function messyStatus(r: Rng): string | null {
  const p = r.int(1, 100);
  if (p <= 72) return r.pick(TRUE_STATUSES);
  if (p <= 86) return r.pick(FALSE_STATUSES);
  if (p <= 92) return 'deleted';
  return r.chance(0.5) ? null : '';
}

/** Full-width letters in some keys, U+3000 padding in some strings, null members (dropped by the normaliser). */
function messyAttributes(r: Rng, b: BaseProduct, color: string): string | null {
  const p = r.int(1, 100);
  if (p <= 3) return null;
  if (p <= 5) return r.chance(0.5) ? '' : ' {} ';
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries({ ...b.attributes, color })) {
    const k = r.chance(0.15) ? fullWidth(key) : key;
    out[k] = typeof value === 'string' && r.chance(0.2) ? `${IDEOGRAPHIC_SPACE}${value} ` : value;
  }
  if (r.chance(0.2)) out['remark'] = null;
  if (r.chance(0.1)) out['lining'] = { material: r.pick(['羊皮', '猪皮', '织物']), breathable: true, notes: [null, ' 透气 '] };
  const style = r.int(0, 3);
  if (style === 0) return JSON.stringify(out);
  if (style === 1) return JSON.stringify(out, null, 2);
  if (style === 2) return `  ${JSON.stringify(out, null, '\t')}\n`;
  return JSON.stringify(out).replace(/([:,])/g, '$1 ').replace(/^\{/, '{ ').replace(/\}$/, ' }');
}

function messyTags(r: Rng, base: readonly string[]): string | null {
  const p = r.int(1, 100);
  if (p <= 4) return null;
  if (p <= 6) return r.chance(0.5) ? '[]' : ' ';
  const out: Array<string | number | null> = base.map((t) => (t === 'SALE' && r.chance(0.5) ? fullWidth(t) : t));
  if (r.chance(0.3)) out.push(2026);
  if (r.chance(0.3) && base.length > 0) out.push(r.pick(base)); // a duplicate
  if (r.chance(0.2)) out.push(null);
  if (r.chance(0.2)) out.push(` ${r.pick(TAGS)}${IDEOGRAPHIC_SPACE}`);
  if (r.chance(0.1)) out.push(1.5);
  // Shuffle (Fisher-Yates) so the normaliser's sort has work to do.
  for (let i = out.length - 1; i > 0; i--) {
    const j = r.int(0, i);
    [out[i], out[j]] = [out[j] as string | number | null, out[i] as string | number | null];
  }
  return r.chance(0.3) ? JSON.stringify(out, null, 1) : JSON.stringify(out);
}

// ---------------------------------------------------------------------------------------------------------------
// Bad rows: each kind breaks one field, so its reject reason is known (the normaliser checks fields in table order)

type MutableRow = { -readonly [K in keyof GeneratedStagingRow]: GeneratedStagingRow[K] };

interface BadRowKind {
  name: string;
  reason: RejectReason;
  apply(r: Rng, row: MutableRow): void;
}

function deeplyNested(levels: number): string {
  return `${'{"a":'.repeat(levels - 1)}{}${'}'.repeat(levels - 1)}`;
}

/** Exported so tests and docs can list what the generator covers. */
export const BAD_ROW_KINDS: readonly BadRowKind[] = [
  { name: 'missing brand', reason: 'MISSING_BRAND_CODE', apply: (r, row) => { row.brand_code = r.pick([null, '', '   ', IDEOGRAPHIC_SPACE, '\t']); } },
  { name: 'missing sku', reason: 'MISSING_SKU', apply: (r, row) => { row.sku = r.pick([null, '', ' ', `${IDEOGRAPHIC_SPACE}${IDEOGRAPHIC_SPACE}`]); } },
  { name: 'missing name', reason: 'MISSING_NAME', apply: (r, row) => { row.name = r.pick([null, '', ' \t ', IDEOGRAPHIC_SPACE]); } },
  // 17-20 'ß' fit VARCHAR(32) but upper-case to 34-40 'S'.
  { name: 'brand too long', reason: 'FIELD_TOO_LONG', apply: (r, row) => { row.brand_code = `WEIß${'ß'.repeat(r.int(13, 16))}`; } },
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
  const iso = new Date(Number(micros / 1000n)).toISOString(); // UTC: pure arithmetic, no local time zone
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}.${String(micros % 1_000_000n).padStart(6, '0')}`;
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

function checkedOptions(opts: StagingGeneratorOptions): { rows: number; seed: number; start: bigint; keySpace: number } {
  if (!Number.isSafeInteger(opts.rows) || opts.rows < 0) throw new RangeError(`rows must be a non-negative integer (got ${opts.rows})`);
  const seed = opts.seed ?? DEFAULT_SEED;
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be an integer (got ${seed})`);
  const keySpace = opts.keySpace ?? Math.max(1, Math.floor(opts.rows / 3));
  if (!Number.isSafeInteger(keySpace) || keySpace < 1) throw new RangeError(`keySpace must be a positive integer (got ${keySpace})`);
  return { rows: opts.rows, seed: seed >>> 0, start: parseDatetime6(opts.startAt ?? DEFAULT_START_AT), keySpace };
}

export function* generateStagingRows(opts: StagingGeneratorOptions): Generator<GeneratedStagingRow, void, undefined> {
  // Validated eagerly by the caller's first next(); a generator body runs only when iterated.
  const { rows, seed, start, keySpace } = checkedOptions(opts);
  const r = new Rng(seed);
  const clock = new StagingClock(start);
  for (let i = 0; i < rows; i++) {
    const src_updated_at = clock.next(r);
    const b = baseProduct(seed, r.int(0, keySpace - 1));
    // Most repeats carry the key's base data (normalising to "unchanged"); some change the price or the colour.
    const cents = r.chance(0.25) ? Math.max(100, Math.round((b.priceCents * r.int(60, 100)) / 1000) * 10) : b.priceCents;
    const color = r.chance(0.1) ? r.pick(COLORS) : b.color;
    const row: MutableRow = {
      brand_code: messyKey(r, b.brand),
      sku: messyKey(r, b.sku),
      name: messyName(r, b),
      category: messyCategory(r, b.category),
      price: messyPrice(r, cents),
      status: messyStatus(r),
      attributes: messyAttributes(r, b, color),
      tags: messyTags(r, b.tags),
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
