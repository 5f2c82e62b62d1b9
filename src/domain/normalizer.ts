/**
 * ProductNormalizer (spec section 3): raw staging text -> NormalizedProduct, or the reason the row is rejected.
 *
 * Decisions taken where the spec is silent (keep this list in step with the code and the tests):
 *  1. status: `text(status)` null (null, empty, blank) -> 'active'. Matching is on `text()` then `toLowerCase()`,
 *     so 'ＯＮ', ' Yes ', 'TRUE' are accepted.
 *  2. attributes/tags "blank" means `text(raw)` is null. Otherwise the raw text is parsed after stripping leading and
 *     trailing JS white space (`trim()`), which is the same white space `text()` ignores, so a leading byte-order mark
 *     (U+FEFF) or U+3000 around an otherwise valid document is accepted. Inside the document JSON grammar applies.
 *  3. attributes: nesting is capped at 100 levels of objects/arrays (MySQL 8's JSON depth limit; the top-level object
 *     is level 1, scalars do not count). Deeper -> INVALID_ATTRIBUTES. Checked by an iterative scan before the
 *     recursive normalisation, so 10,000-deep input is rejected without risk of RangeError. JSON.parse itself is
 *     iterative in Node 20 (tested).
 *  4. attributes keys: by `text()`. A key that becomes null, or two keys of one object that become equal, reject the
 *     row, even if the member's value is null and would have been dropped. Raw duplicate keys (`{"a":1,"a":2}`),
 *     which JSON.parse would silently merge (last wins), are detected by the same scan and also reject the row:
 *     they are "two keys that become equal".
 *  5. attributes numbers: the JS number JSON.parse gives (so 12345678901234567890 loses precision, 1e-400 is 0,
 *     -0 is written 0 by the stable JSON). A number that parses to ±Infinity (1e400) -> INVALID_ATTRIBUTES.
 *  6. attributes values: strings by `text()`; then object members and array elements whose value is null are dropped
 *     (including strings that became null). Array order is kept. Empty nested objects/arrays stay.
 *  7. tags: must be a JSON array of strings, numbers or null; a number becomes `String(n)` (1e21 -> "1e+21", -0 -> "0");
 *     a non-finite number, an object, array or boolean element -> INVALID_TAGS. Each by `text()`; nulls dropped;
 *     de-duplicated; sorted with the default `.sort()`.
 *  8. Strings decoded from attributes/tags JSON that contain an unpaired UTF-16 surrogate (only reachable through a
 *     `\ud800`-style escape) reject the row: they are not Unicode text, cannot be stored in utf8mb4 as themselves,
 *     and MySQL's JSON type refuses them.
 *  9. price: after `text()`, strip ONE leading '¥'/'CNY'/'RMB' (any case), ONE trailing '元', trim, remove every ','.
 *     Then ^\d+(\.\d+)?$ (ASCII digits; NFKC has already mapped full-width ones), round half up to 2 decimals with
 *     exact decimal arithmetic, at most 9999999999.99 after rounding; output "digits.dd" without leading zeros.
 * 10. category: `text()`, split on '/', trim parts, drop empty parts, join with '/'; null when nothing is left.
 * 11. brand_code/sku: `text()` then `toUpperCase()` (locale-independent; 'ß' -> 'SS'); lengths are code points of the
 *     final value of each rule, so the upper-cased value is measured.
 * 12. Messages name the field and quote at most ~80 code points of the raw value (JSON-quoted, so control characters
 *     stay visible and the message stays on one line).
 */
import { jsonText } from './jsonText';
import { normalizePrice } from './price';
import { sortByKey, sortStrings } from './sortStrings';
import { codePointLength, isBlankText, normalizeText, quoteExcerpt, truncateCodePoints } from './text';
import type {
  JsonObject,
  JsonValue,
  NormalizeRejection,
  NormalizeResult,
  ProductField,
  ProductStatus,
  RawProductFields,
  RejectReason,
  StableNormalizeResult,
} from './types';

export const MAX_LENGTH = { brand_code: 32, sku: 64, name: 255, category: 128 } as const;

/** MySQL 8 refuses JSON documents nested deeper than this. */
export const MAX_ATTRIBUTES_DEPTH = 100;

export type FieldResult<T> = { ok: true; value: T } | { ok: false; reason: RejectReason; message: string };

const STATUS_BY_TEXT: ReadonlyMap<string, ProductStatus> = new Map<string, ProductStatus>([
  ['active', 'active'],
  ['on', 'active'],
  ['1', 'active'],
  ['true', 'active'],
  ['yes', 'active'],
  ['上架', 'active'],
  ['inactive', 'inactive'],
  ['off', 'inactive'],
  ['0', 'inactive'],
  ['false', 'inactive'],
  ['no', 'inactive'],
  ['下架', 'inactive'],
  ['deleted', 'deleted'],
]);

const UNPAIRED_SURROGATE = /\p{Cs}/u;

/**
 * A plain loop finds whether there is any surrogate at all (almost never), and only then the regex tells paired from
 * unpaired: per string value of every row, so entering the regex engine each time was a visible cost.
 */
function hasUnpairedSurrogate(t: string): boolean {
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdfff) return UNPAIRED_SURROGATE.test(t);
  }
  return false;
}
const CONTROL_CHAR = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

export function normalizeProduct(row: RawProductFields): NormalizeResult {
  return normalizeRecord(row, normalizeAttributes, normalizeTags, (brand_code, sku, name, category, price, status, attributes, tags) => ({
    brand_code, sku, name, category, price, status, attributes, tags,
  }));
}

/**
 * normalizeProduct with attributes and tags given as their stable JSON text, written in the same walk that
 * normalises them: what the sync stores and hashes. The hot path's form; normalizeProduct stays the reference (the
 * oracle uses it), and test/unit/stableNormalizer.test.ts holds the two to the same result.
 */
export function normalizeProductStable(row: RawProductFields): StableNormalizeResult {
  return normalizeRecord(row, normalizeAttributesJson, normalizeTagsJson, (brand_code, sku, name, category, price, status, attributesJson, tagsJson) => ({
    brand_code, sku, name, category, price, status, attributesJson, tagsJson,
  }));
}

/**
 * The row's fields by their rules, and the product `build` makes of them. A builder rather than an object of the
 * scalar fields spread into the product: per row, and the spread and its intermediate objects were a sixth of what
 * normalising a row allocated (docs/benchmarks.md, 2026-12-05 night).
 */
function normalizeRecord<A, T, P>(
  row: RawProductFields,
  normalizeAttributesBy: (raw: string | null) => FieldResult<A>,
  normalizeTagsBy: (raw: string | null) => FieldResult<T>,
  build: (brand_code: string, sku: string, name: string, category: string | null, price: string | null, status: ProductStatus, attributes: A, tags: T) => P,
): { ok: true; product: P } | NormalizeRejection {
  // Evaluated in table order with early return: the first failing field decides, and a row already rejected
  // for its brand_code never pays for parsing a large attributes document.
  const brand_code = normalizeBrandCode(row.brand_code);
  if (!brand_code.ok) return rejection('brand_code', brand_code);
  const sku = normalizeSku(row.sku);
  if (!sku.ok) return rejection('sku', sku);
  const name = normalizeName(row.name);
  if (!name.ok) return rejection('name', name);
  const category = normalizeCategory(row.category);
  if (!category.ok) return rejection('category', category);
  const price = normalizePrice(row.price);
  if (!price.ok) return { ok: false, reason: 'INVALID_PRICE', field: 'price', message: price.message };
  const status = normalizeStatus(row.status);
  if (!status.ok) return rejection('status', status);
  const attributes = normalizeAttributesBy(row.attributes);
  if (!attributes.ok) return rejection('attributes', attributes);
  const tags = normalizeTagsBy(row.tags);
  if (!tags.ok) return rejection('tags', tags);
  return { ok: true, product: build(brand_code.value, sku.value, name.value, category.value, price.value, status.value, attributes.value, tags.value) };
}

export function normalizeBrandCode(raw: string | null): FieldResult<string> {
  return requiredText('brand_code', raw, 'MISSING_BRAND_CODE', MAX_LENGTH.brand_code, true);
}

export function normalizeSku(raw: string | null): FieldResult<string> {
  return requiredText('sku', raw, 'MISSING_SKU', MAX_LENGTH.sku, true);
}

export function normalizeName(raw: string | null): FieldResult<string> {
  return requiredText('name', raw, 'MISSING_NAME', MAX_LENGTH.name, false);
}

export function normalizeCategory(raw: string | null): FieldResult<string | null> {
  const t = normalizeText(raw);
  if (t === null) return { ok: true, value: null };
  if (isJoinedPath(t)) return maxLength('category', raw, t, MAX_LENGTH.category);
  const joined = t
    .split('/')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .join('/');
  if (joined === '') return { ok: true, value: null };
  return maxLength('category', raw, joined, MAX_LENGTH.category);
}

/**
 * Whether splitting `t` on '/', trimming the parts and dropping empty ones, then joining them with '/', gives `t`
 * back: no '/' at either end, none doubled, no space beside one. `t` is text() output, whose only white space is
 * single U+0020 spaces inside it, so those are all the cases. Per row, and most categories are already so: the split,
 * map, filter and join allocate four arrays and a string for nothing.
 */
function isJoinedPath(t: string): boolean {
  let previous = 0x2f; // as if a '/' came before, so a leading '/' or space fails
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c === 0x2f && (previous === 0x2f || previous === 0x20)) return false;
    if (c === 0x20 && previous === 0x2f) return false;
    previous = c;
  }
  return previous !== 0x2f && previous !== 0x20;
}

export function normalizeStatus(raw: string | null): FieldResult<ProductStatus> {
  const t = normalizeText(raw);
  if (t === null) return { ok: true, value: 'active' };
  const status = STATUS_BY_TEXT.get(t.toLowerCase());
  if (status === undefined) {
    return {
      ok: false,
      reason: 'INVALID_STATUS',
      message: `status ${quoteExcerpt(raw)} is not one of active/on/1/true/yes/上架, inactive/off/0/false/no/下架, deleted`,
    };
  }
  return { ok: true, value: status };
}

export function normalizeAttributes(raw: string | null): FieldResult<JsonObject> {
  return attributesBy(raw, {}, normalizeObject);
}

/**
 * The attributes as their stable JSON text (spec section 4), by the same rules and with the same messages as
 * `stableStringify(normalizeAttributes(raw).value)`, in one walk: the sync's hot path. It builds no normalised object
 * to serialise afterwards, so each document is walked once, not twice (with the sorting changes of the same commit,
 * 13 % less allocation per batch: docs/benchmarks.md, 2026-12-04). test/unit/stableNormalizer.test.ts holds the two
 * to the same output.
 */
export function normalizeAttributesJson(raw: string | null): FieldResult<string> {
  return attributesBy(raw, '{}', objectJson);
}

/**
 * Parses and checks the document, then hands the top-level object to `walk`; one place for the messages of both.
 *
 * Repeated keys are found without a Set per object on the common path: countJsonKeys counts the keys in the text
 * (and checks the depth) without allocating, the walk counts the keys JSON.parse kept, and only when the two differ,
 * or the document is too deep, or the walk finds a problem, does scanJsonStructure run to say which came first. The
 * outcome is the one of scanning before walking: that scan's problem if it has one, else the walk's. Hot path: the
 * Sets and key slices of the scan were a fifth of the attributes' allocation, which the batch pays for in collections
 * (docs/benchmarks.md, 2026-12-05 night).
 */
function attributesBy<T>(raw: string | null, blank: T, walk: (obj: Record<string, unknown>, path: PathSegment[]) => T): FieldResult<T> {
  if (isBlankText(raw)) return { ok: true, value: blank };
  const body = (raw as string).trim();
  const fail = (problem: string): FieldResult<T> => ({
    ok: false,
    reason: 'INVALID_ATTRIBUTES',
    message: `attributes ${quoteExcerpt(raw)} ${problem}`,
  });
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (e) {
    return fail(`is not valid JSON (${parseErrorText(e)})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return fail(`is not a JSON object (it is ${describeJson(parsed)})`);
  }
  const structureProblem = (): FieldResult<T> | undefined => {
    const scan = scanJsonStructure(body, MAX_ATTRIBUTES_DEPTH);
    if (scan.kind === 'too-deep') return fail(`is nested more than ${MAX_ATTRIBUTES_DEPTH} levels deep (MySQL's JSON depth limit)`);
    if (scan.kind === 'duplicate-key') return fail(`has the key ${quoteExcerpt(scan.key)} twice in one object`);
    return undefined;
  };
  const keysInText = countJsonKeys(body, MAX_ATTRIBUTES_DEPTH);
  if (keysInText < 0) {
    const problem = structureProblem();
    if (problem) return problem;
    throw new Error('countJsonKeys and scanJsonStructure disagree on the depth of an attributes document');
  }
  keysWalked = 0;
  let value: T;
  try {
    value = walk(parsed as Record<string, unknown>, ['$']);
  } catch (e) {
    if (e instanceof AttributeProblem) return structureProblem() ?? fail(e.message);
    throw e;
  } finally {
    releaseScratch();
  }
  if (keysWalked !== keysInText) return structureProblem() ?? { ok: true, value };
  return { ok: true, value };
}

export function normalizeTags(raw: string | null): FieldResult<string[]> {
  if (isBlankText(raw)) return { ok: true, value: [] };
  const fail = (problem: string): FieldResult<string[]> => ({
    ok: false,
    reason: 'INVALID_TAGS',
    message: `tags ${quoteExcerpt(raw)} ${problem}`,
  });
  let parsed: unknown;
  try {
    parsed = JSON.parse((raw as string).trim());
  } catch (e) {
    return fail(`is not valid JSON (${parseErrorText(e)})`);
  }
  if (!Array.isArray(parsed)) return fail(`is not a JSON array (it is ${describeJson(parsed)})`);
  const tags = new DistinctStrings();
  for (let i = 0; i < parsed.length; i++) {
    const element: unknown = parsed[i];
    let s: string;
    if (element === null) continue;
    if (typeof element === 'string') {
      s = element;
    } else if (typeof element === 'number') {
      if (!Number.isFinite(element)) return fail(`has element [${i}], a number too large for a double`);
      s = String(element);
    } else {
      return fail(`has element [${i}] that is ${describeJson(element)} (only strings, numbers and null are allowed)`);
    }
    const t = normalizeText(s);
    if (t === null) continue;
    if (hasUnpairedSurrogate(t)) return fail(`has element [${i}] containing an unpaired UTF-16 surrogate`);
    tags.add(t);
  }
  return { ok: true, value: sortStrings(tags.values) };
}

/** The tags as their stable JSON text: `stableStringify(normalizeTags(raw).value)`, without the general writer. */
export function normalizeTagsJson(raw: string | null): FieldResult<string> {
  const tags = normalizeTags(raw);
  if (!tags.ok) return tags;
  let out = '[';
  for (let i = 0; i < tags.value.length; i++) out += jsonText(tags.value[i], i > 0 ? ',' : '', '');
  return { ok: true, value: out + ']' };
}

/**
 * Strings without repeats, in the order first added. A row has a handful of tags, for which a scan of the array is
 * cheaper than a Set and allocates nothing; past LINEAR_SCAN_MAX a Set takes over, so a hostile array of 100,000 tags
 * stays linear.
 */
class DistinctStrings {
  readonly values: string[] = [];
  private set: Set<string> | undefined;

  add(s: string): void {
    if (this.set) {
      if (this.set.has(s)) return;
      this.set.add(s);
    } else {
      if (this.values.includes(s)) return;
      if (this.values.length >= LINEAR_SCAN_MAX) this.set = new Set([...this.values, s]);
    }
    this.values.push(s);
  }
}

/** Up to this many strings, a linear scan finds a repeat faster than a hash lookup (and allocates nothing). */
const LINEAR_SCAN_MAX = 16;

/** Where the JSON string that opens at `i` closes: the index of its closing quote (escapes skipped), or the end. */
function closingQuote(json: string, i: number): number {
  let j = i + 1;
  while (j < json.length && json.charCodeAt(j) !== 0x22 /* " */) j += json.charCodeAt(j) === 0x5c /* \ */ ? 2 : 1;
  return j;
}

/** The kind of each open container of countJsonKeys (1 object, 0 array), by level: reused, as the depth is capped. */
const OPEN_KINDS = new Uint8Array(MAX_ATTRIBUTES_DEPTH + 1);

/**
 * The keys in JSON text that JSON.parse has accepted (every member name, repeats included), or -1 when objects and
 * arrays nest deeper than `maxDepth`: the same pass as scanJsonStructure, allocating nothing.
 */
export function countJsonKeys(json: string, maxDepth: number): number {
  const kinds = maxDepth <= MAX_ATTRIBUTES_DEPTH ? OPEN_KINDS : new Uint8Array(maxDepth + 1);
  let depth = 0;
  let keys = 0;
  let expectKey = false;
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (c === 0x22 /* " */) {
      const j = closingQuote(json, i);
      if (expectKey) {
        keys++;
        expectKey = false;
      }
      i = j;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (++depth > maxDepth) return -1;
      kinds[depth] = c === 0x7b ? 1 : 0;
      expectKey = c === 0x7b;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      depth--;
      expectKey = false;
    } else if (c === 0x2c /* , */) {
      expectKey = depth > 0 && kinds[depth] === 1;
    }
  }
  return keys;
}

/** The keys the attribute walk met (Object.keys of every object it entered), compared with countJsonKeys. */
let keysWalked = 0;

export type JsonScan = { kind: 'ok' } | { kind: 'too-deep' } | { kind: 'duplicate-key'; key: string };

/**
 * One linear, non-recursive pass over JSON text that JSON.parse has already accepted: finds nesting deeper than
 * `maxDepth` (objects and arrays) and keys repeated within one object, which JSON.parse would silently merge.
 * Brackets inside strings are skipped with the strings.
 */
export function scanJsonStructure(json: string, maxDepth: number): JsonScan {
  // One entry per open container: the keys seen so far for an object, null for an array.
  const open: Array<Set<string> | null> = [];
  let expectKey = false;
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (c === 0x22 /* " */) {
      const j = closingQuote(json, i);
      if (expectKey) {
        const token = json.slice(i, j + 1);
        const key = token.includes('\\') ? (JSON.parse(token) as string) : token.slice(1, -1);
        const keys = open[open.length - 1] as Set<string>;
        if (keys.has(key)) return { kind: 'duplicate-key', key };
        keys.add(key);
        expectKey = false;
      }
      i = j;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      const isObject = c === 0x7b;
      open.push(isObject ? new Set<string>() : null);
      if (open.length > maxDepth) return { kind: 'too-deep' };
      expectKey = isObject;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      open.pop();
      expectKey = false;
    } else if (c === 0x2c /* , */) {
      expectKey = open.length > 0 && open[open.length - 1] !== null;
    }
  }
  return { kind: 'ok' };
}

/** Thrown only inside the attribute walk and turned into a FieldResult at its boundary. */
class AttributeProblem extends Error {}

type PathSegment = string | number;

// Recursion is bounded by MAX_ATTRIBUTES_DEPTH, enforced by scanJsonStructure before this runs.
function normalizeValue(value: unknown, path: PathSegment[]): JsonValue | null {
  if (value === null || typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const t = normalizeText(value);
    if (t !== null && hasUnpairedSurrogate(t)) {
      throw new AttributeProblem(`has a string containing an unpaired UTF-16 surrogate at ${renderPath(path)}`);
    }
    return t;
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      throw new AttributeProblem(`has a number too large for a double at ${renderPath(path)}`);
    }
    return value;
  }
  if (Array.isArray(value)) {
    const out: JsonValue[] = [];
    for (let i = 0; i < value.length; i++) {
      path.push(i);
      const v = normalizeValue(value[i], path);
      path.pop();
      if (v !== null) out.push(v);
    }
    return out;
  }
  if (typeof value === 'object') return normalizeObject(value as Record<string, unknown>, path);
  throw new AttributeProblem(`has an unexpected ${typeof value} at ${renderPath(path)}`);
}

function normalizeObject(obj: Record<string, unknown>, path: PathSegment[]): JsonObject {
  const rawKeys = Object.keys(obj);
  keysWalked += rawKeys.length;
  const seen = new KeyRegister(rawKeys.length);
  const entries: Array<[string, JsonValue]> = [];
  for (const rawKey of rawKeys) {
    const key = seen.admit(rawKey, path);
    path.push(rawKey);
    const v = normalizeValue(obj[rawKey], path);
    path.pop();
    if (v !== null) entries.push([key, v]);
  }
  // fromEntries defines own data properties, so a "__proto__" key stays a key instead of setting the prototype.
  return Object.fromEntries(entries);
}

// The one-walk twins of normalizeValue and normalizeObject: the same checks in the same order (so the same first
// problem and message), writing stable JSON text instead of building objects. A value that normalisation drops
// (null, or a string that becomes null) is returned as null and left out by its parent.
function valueJson(value: unknown, path: PathSegment[]): string | null {
  if (value === null) return null;
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'string': {
      const t = normalizeText(value);
      if (t === null) return null;
      if (hasUnpairedSurrogate(t)) throw new AttributeProblem(`has a string containing an unpaired UTF-16 surrogate at ${renderPath(path)}`);
      return jsonText(t, '', '');
    }
    case 'number':
      if (!Number.isFinite(value)) throw new AttributeProblem(`has a number too large for a double at ${renderPath(path)}`);
      return JSON.stringify(value);
    case 'object': {
      if (!Array.isArray(value)) return objectJson(value as Record<string, unknown>, path);
      let out = '[';
      let first = true;
      for (let i = 0; i < value.length; i++) {
        path.push(i);
        const v = valueJson(value[i], path);
        path.pop();
        if (v === null) continue;
        out += first ? v : ',' + v;
        first = false;
      }
      return out + ']';
    }
    default:
      throw new AttributeProblem(`has an unexpected ${typeof value} at ${renderPath(path)}`);
  }
}

/**
 * Scratch arrays shared by every objectJson of a walk, used as stacks: an object's normalised keys (dropped members'
 * included, for the collision check) and its kept members' keys and texts sit in a region of these while the object
 * is written, and the objects nested in it above that region. Hot path: an object's own arrays (a key register of two,
 * the members' keys and texts, each grown by push) were most of the attributes' allocation, which every 1000-row batch
 * pays for in collections (docs/benchmarks.md, 2026-12-05 night).
 */
let normKeys: string[] = [];
let memberKeys: string[] = [];
let memberTexts: string[] = [];
let normTop = 0;
let memberTop = 0;

/** Past this many entries the scratch arrays are let go after the walk, so a hostile document's strings are not kept. */
const SCRATCH_KEEP = 1024;

function releaseScratch(): void {
  normTop = 0;
  memberTop = 0;
  if (normKeys.length > SCRATCH_KEEP) normKeys = [];
  if (memberKeys.length > SCRATCH_KEEP) {
    memberKeys = [];
    memberTexts = [];
  }
}

function objectJson(obj: Record<string, unknown>, path: PathSegment[]): string {
  const rawKeys = Object.keys(obj);
  const n = rawKeys.length;
  keysWalked += n;
  // This object's regions: normalised keys at [normBase, normBase + n), kept members from memberBase up. Filled in
  // index order, so the arrays grow without holes.
  const normBase = normTop;
  const memberBase = memberTop;
  for (let i = 0; i < n; i++) normKeys[normBase + i] = '';
  normTop = normBase + n;
  const many = n > LINEAR_SCAN_MAX ? new Map<string, string>() : undefined;
  let kept = 0;
  for (let i = 0; i < n; i++) {
    const rawKey = rawKeys[i];
    const key = normalizeText(rawKey);
    if (key === null) throw new AttributeProblem(`has the key ${quoteExcerpt(rawKey)} at ${renderPath(path)}, which is blank`);
    let earlier: string | undefined;
    if (many) {
      earlier = many.get(key);
    } else {
      for (let j = 0; j < i; j++) {
        if (normKeys[normBase + j] === key) {
          earlier = rawKeys[j];
          break;
        }
      }
    }
    if (earlier !== undefined) throw collision(earlier, rawKey, key, path);
    if (hasUnpairedSurrogate(key)) throw new AttributeProblem(`has a key containing an unpaired UTF-16 surrogate at ${renderPath(path)}`);
    if (many) many.set(key, rawKey);
    else normKeys[normBase + i] = key;
    path.push(rawKey);
    memberTop = memberBase + kept;
    const v = valueJson(obj[rawKey], path);
    path.pop();
    if (v === null) continue;
    memberKeys[memberBase + kept] = key;
    memberTexts[memberBase + kept] = v;
    kept++;
  }
  const end = memberBase + kept;
  sortByKey(memberKeys, memberTexts, memberBase, end);
  let out = '{';
  for (let i = memberBase; i < end; i++) out += jsonText(memberKeys[i], i > memberBase ? ',' : '', ':') + memberTexts[i];
  normTop = normBase;
  memberTop = memberBase;
  return out + '}';
}

function collision(earlierRawKey: string, rawKey: string, key: string, path: PathSegment[]): AttributeProblem {
  return new AttributeProblem(
    `has the keys ${quoteExcerpt(earlierRawKey)} and ${quoteExcerpt(rawKey)} at ${renderPath(path)}, ` +
      `which both become ${quoteExcerpt(key)} after normalisation`,
  );
}

/**
 * The reference walk's register of one object's normalised keys (dropped members' keys included, as they still
 * collide), each with the raw key it came from. Parallel arrays for a few keys, a Map for many (a hostile object of
 * 100,000 keys stays linear). The hot path's objectJson keeps the same register in shared scratch arrays.
 */
class KeyRegister {
  private readonly keys: string[] = [];
  private readonly raws: string[] = [];
  private readonly map: Map<string, string> | undefined;

  constructor(size: number) {
    if (size > LINEAR_SCAN_MAX) this.map = new Map();
  }

  /** The member's normalised key, registered; the first problem with it (blank, a collision, a lone surrogate) throws. */
  admit(rawKey: string, path: PathSegment[]): string {
    const key = normalizeText(rawKey);
    if (key === null) {
      throw new AttributeProblem(`has the key ${quoteExcerpt(rawKey)} at ${renderPath(path)}, which is blank`);
    }
    const earlier = this.rawKeyOf(key);
    if (earlier !== undefined) throw collision(earlier, rawKey, key, path);
    if (hasUnpairedSurrogate(key)) {
      throw new AttributeProblem(`has a key containing an unpaired UTF-16 surrogate at ${renderPath(path)}`);
    }
    if (this.map) {
      this.map.set(key, rawKey);
    } else {
      this.keys.push(key);
      this.raws.push(rawKey);
    }
    return key;
  }

  private rawKeyOf(key: string): string | undefined {
    if (this.map) return this.map.get(key);
    const i = this.keys.indexOf(key);
    return i < 0 ? undefined : this.raws[i];
  }
}

function renderPath(path: PathSegment[]): string {
  const text = path
    .map((seg, i) => {
      if (i === 0) return String(seg);
      if (typeof seg === 'number') return `[${seg}]`;
      // Only short keys are tested: a message shows at most 200 code points, and a regex on megabytes can overflow.
      return seg.length <= 200 && /^[A-Za-z_][A-Za-z0-9_]*$/.test(seg) ? `.${seg}` : `[${JSON.stringify(seg)}]`;
    })
    .join('');
  return truncateCodePoints(text, 200);
}

function requiredText(
  field: ProductField,
  raw: string | null,
  missing: RejectReason,
  max: number,
  upperCase: boolean,
): FieldResult<string> {
  const t = normalizeText(raw);
  if (t === null) return { ok: false, reason: missing, message: `${field} is missing (got ${quoteExcerpt(raw)})` };
  return maxLength(field, raw, upperCase ? t.toUpperCase() : t, max);
}

function maxLength<T extends string>(field: ProductField, raw: string | null, value: T, max: number): FieldResult<T> {
  const length = codePointLength(value);
  if (length <= max) return { ok: true, value };
  return {
    ok: false,
    reason: 'FIELD_TOO_LONG',
    message: `${field} ${quoteExcerpt(raw)} is too long: ${length} code points after normalisation, at most ${max}`,
  };
}

function rejection(field: ProductField, r: { reason: RejectReason; message: string }): NormalizeRejection {
  return { ok: false, reason: r.reason, field, message: r.message };
}

function describeJson(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  return `a ${typeof v}`;
}

// V8's parse errors quote a piece of the input, so control characters are escaped to keep messages on one line.
function parseErrorText(e: unknown): string {
  const text = truncateCodePoints(e instanceof Error ? e.message : String(e), 200);
  return text.replace(CONTROL_CHAR, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
