/**
 * The spec's `text(x)` and the code-point arithmetic every length rule relies on.
 * Lengths are code points because the target columns are utf8mb4 VARCHAR(n), which count characters,
 * and an emoji is one character there but two UTF-16 units in JavaScript.
 */

const WHITESPACE_RUN = /\s+/g;

/**
 * NFKC first, so compatibility spaces (U+3000, NBSP) and full-width forms become their plain forms
 * before white space is collapsed. `\s` also matches U+FEFF, so a byte-order mark is treated as white space.
 */
/**
 * Printable ASCII words separated by single spaces: NFKC leaves it as is and there is no white space to fix.
 * A loop, not the regex /^[\x21-\x7e]+(?: [\x21-\x7e]+)*$/: that one backtracks, and on a value of megabytes without
 * a space (seen: 8.5 MB of JSON) V8 threw "Maximum call stack size exceeded" inside a long-running worker, so the
 * batch could never be planned. This is linear and needs no stack, whatever the input.
 */
export function isAlreadyNormal(x: string): boolean {
  let afterSpace = true; // no leading space
  for (let i = 0; i < x.length; i++) {
    const c = x.charCodeAt(i);
    if (c === 0x20) {
      if (afterSpace) return false; // a leading or a double space
      afterSpace = true;
    } else if (c >= 0x21 && c <= 0x7e) {
      afterSpace = false;
    } else {
      return false;
    }
  }
  return !afterSpace; // not empty, and no trailing space
}

export function normalizeText(x: string | null | undefined): string | null {
  if (x === null || x === undefined) return null;
  if (isAlreadyNormal(x)) return x; // the common case, and the hot path of every batch
  // String.prototype.trim strips exactly the characters `\s` matches, so one regex definition governs both steps.
  const out = x.normalize('NFKC').replace(WHITESPACE_RUN, ' ').trim();
  return out === '' ? null : out;
}

/** Counts code points; an unpaired surrogate counts as one, as the string iterator yields it alone. */
export function codePointLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

/** The first `max` code points of `s` (never splits a surrogate pair), without scanning the rest of a huge string. */
export function truncateCodePoints(s: string, max: number): string {
  let taken = 0;
  let i = 0;
  while (i < s.length && taken < max) {
    const cp = s.codePointAt(i) as number;
    i += cp > 0xffff ? 2 : 1;
    taken++;
  }
  return s.slice(0, i);
}

/**
 * A bounded, quoted excerpt for human-readable messages: JSON-quoted so control characters, NUL and newlines
 * stay visible and the message stays on one line; cut to `max` code points so a 1 MB value never lands in a log.
 */
export function quoteExcerpt(s: string | null | undefined, max = 80): string {
  if (s === null || s === undefined) return 'null';
  const head = truncateCodePoints(s, max);
  return head.length < s.length ? `${JSON.stringify(head)}… (${codePointLength(s)} code points)` : JSON.stringify(head);
}
