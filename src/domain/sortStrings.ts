/**
 * Sorts strings in place in the order of the default `.sort()` (UTF-16 code units, which is what `<` compares) and
 * returns the array. Hot path: every row sorts its tags and the keys of each attributes object, a handful of strings
 * each, and `Array.prototype.sort` allocates its own work state on every call (about a tenth of a batch's allocation
 * in the profile of 2026-12-04). Insertion sort allocates nothing; past SMALL elements its quadratic cost would show,
 * so larger arrays go to `.sort()`.
 */
const SMALL = 24;

export function sortStrings<T extends string>(a: T[]): T[] {
  if (a.length > SMALL) return a.sort();
  for (let i = 1; i < a.length; i++) {
    const v = a[i];
    let j = i - 1;
    while (j >= 0 && a[j] > v) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = v;
  }
  return a;
}

/**
 * Sorts `keys[lo..hi)` (distinct) in code-unit order and moves `values[lo..hi)` with them, in place: the members of an
 * object by key. Insertion sort for small objects, for the reason above; larger ones sort an index. The range lets
 * the attribute writer sort an object's members where they sit in its shared scratch arrays.
 */
export function sortByKey(keys: string[], values: string[], lo = 0, hi = keys.length): void {
  if (hi - lo > SMALL) {
    const order: number[] = [];
    for (let i = lo; i < hi; i++) order.push(i);
    order.sort((x, y) => (keys[x] < keys[y] ? -1 : keys[x] > keys[y] ? 1 : 0));
    const k = order.map((i) => keys[i]);
    const v = order.map((i) => values[i]);
    for (let i = 0; i < k.length; i++) {
      keys[lo + i] = k[i];
      values[lo + i] = v[i];
    }
    return;
  }
  for (let i = lo + 1; i < hi; i++) {
    const key = keys[i];
    const value = values[i];
    let j = i - 1;
    while (j >= lo && keys[j] > key) {
      keys[j + 1] = keys[j];
      values[j + 1] = values[j];
      j--;
    }
    keys[j + 1] = key;
    values[j + 1] = value;
  }
}
