/**
 * The JSON text of short strings that recur from row to row, remembered: attribute keys and values, tags, brand codes,
 * categories, statuses. Writing them anew took one to three small strings per member of every row, most of what the
 * attribute walk still allocated, and a batch pays for its allocation in collections (docs/benchmarks.md,
 * 2026-12-05 night). The caches are bounded (cleared when full) and hold only short strings, so hostile documents
 * and high-cardinality fields cannot grow them.
 */
const JSON_TEXT_CACHE_MAX = 4096;
const JSON_TEXT_CACHEABLE = 48;
const jsonTexts = [new Map<string, string>(), new Map<string, string>(), new Map<string, string>(), new Map<string, string>()];

/** `lead + JSON.stringify(s) + close`, remembered when `s` is short. */
export function jsonText(s: string, lead: '' | ',', close: '' | ':'): string {
  if (s.length > JSON_TEXT_CACHEABLE) return lead + JSON.stringify(s) + close;
  const cache = jsonTexts[(lead === '' ? 0 : 1) + (close === '' ? 0 : 2)];
  let text = cache.get(s);
  if (text === undefined) {
    if (cache.size >= JSON_TEXT_CACHE_MAX) cache.clear();
    text = lead + JSON.stringify(s) + close;
    cache.set(s, text);
  }
  return text;
}
