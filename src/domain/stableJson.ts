/**
 * Stable JSON (spec section 4): the text that is hashed into data_version and stored in products.attributes/tags.
 * Iterative rather than recursive, so no input depth can overflow the call stack.
 */
import type { JsonValue } from './types';

/** Already-rendered output, kept apart from JsonValue strings on the work stack. */
class Token {
  constructor(readonly text: string) {}
}

/**
 * Keys are sorted with the default `.sort()` (UTF-16 code units), strings and keys are rendered by JSON.stringify
 * itself so escaping (U+2028, control characters, lone surrogates) is identical by construction.
 * Non-finite numbers and non-JSON values throw instead of silently becoming `null` as JSON.stringify would:
 * a hash over a value that is not what was stored would be a silent bug.
 */
function stableStringifyIterative(value: JsonValue): string {
  const out: string[] = [];
  const stack: Array<JsonValue | Token> = [value];
  while (stack.length > 0) {
    const item = stack.pop() as JsonValue | Token;
    if (item instanceof Token) {
      out.push(item.text);
    } else if (item === null) {
      out.push('null');
    } else if (typeof item === 'string' || typeof item === 'boolean') {
      out.push(JSON.stringify(item));
    } else if (typeof item === 'number') {
      if (!Number.isFinite(item)) throw new RangeError(`stableStringify: non-finite number ${String(item)}`);
      out.push(JSON.stringify(item));
    } else if (Array.isArray(item)) {
      out.push('[');
      stack.push(new Token(']'));
      // Pushed in reverse so they pop in order.
      for (let i = item.length - 1; i >= 0; i--) {
        const element: unknown = item[i];
        if (element === undefined) throw new TypeError(`stableStringify: array hole or undefined at index ${i}`);
        stack.push(element as JsonValue);
        if (i > 0) stack.push(new Token(','));
      }
    } else if (typeof item === 'object') {
      out.push('{');
      stack.push(new Token('}'));
      const keys = Object.keys(item).sort();
      for (let i = keys.length - 1; i >= 0; i--) {
        const key = keys[i] as string;
        const member: unknown = item[key];
        if (member === undefined) throw new TypeError(`stableStringify: undefined member ${JSON.stringify(key)}`);
        stack.push(member as JsonValue);
        stack.push(new Token(`${JSON.stringify(key)}:`));
        if (i > 0) stack.push(new Token(','));
      }
    } else {
      throw new TypeError(`stableStringify: not a JSON value (${typeof item})`);
    }
  }
  return out.join('');
}

/** Past this depth the recursive writer hands over to the iterative one, so no input can overflow the stack. */
const RECURSION_LIMIT = 200;

/**
 * Stable JSON of `value`. The recursive writer is the fast path (the sync calls this for every row); documents
 * nested deeper than RECURSION_LIMIT are finished by the iterative writer above. Both produce identical text.
 */
export function stableStringify(value: JsonValue): string {
  return write(value, 0);
}

function write(item: JsonValue, depth: number): string {
  if (depth > RECURSION_LIMIT) return stableStringifyIterative(item);
  if (item === null) return 'null';
  switch (typeof item) {
    case 'string':
      return JSON.stringify(item);
    case 'boolean':
      return item ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(item)) throw new RangeError(`stableStringify: non-finite number ${String(item)}`);
      return JSON.stringify(item);
    case 'object': {
      if (Array.isArray(item)) {
        let out = '[';
        for (let i = 0; i < item.length; i++) {
          const element: unknown = item[i];
          if (element === undefined) throw new TypeError(`stableStringify: array hole or undefined at index ${i}`);
          out += (i > 0 ? ',' : '') + write(element as JsonValue, depth + 1);
        }
        return out + ']';
      }
      const keys = Object.keys(item).sort();
      let out = '{';
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i] as string;
        const member: unknown = item[key];
        if (member === undefined) throw new TypeError(`stableStringify: undefined member ${JSON.stringify(key)}`);
        out += (i > 0 ? ',' : '') + JSON.stringify(key) + ':' + write(member as JsonValue, depth + 1);
      }
      return out + '}';
    }
    default:
      throw new TypeError(`stableStringify: not a JSON value (${typeof item})`);
  }
}
