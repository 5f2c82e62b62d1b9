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
  const nfkc = x.normalize('NFKC');
  // Most non-ASCII values (CJK names, full-width codes) have no white space to fix once NFKC has run: one scan then
  // spares the regex replace and the trim, each of which copies the string (hot path: docs/benchmarks.md, 2026-12-03).
  if (hasNoWhiteSpaceToFix(nfkc)) return nfkc;
  // String.prototype.trim strips exactly the characters `\s` matches, so one regex definition governs both steps.
  const out = nfkc.replace(WHITESPACE_RUN, ' ').trim();
  return out === '' ? null : out;
}

/**
 * Whether `s` is non-empty and `replace(/\s+/g, ' ').trim()` would return it unchanged: its only white space is single
 * U+0020 spaces between other characters. The code points below are exactly those JavaScript's `\s` matches
 * (test/unit/text.test.ts checks the list against the regex over all of the BMP).
 */
export function hasNoWhiteSpaceToFix(s: string): boolean {
  let afterSpace = true; // no leading space
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x20) {
      if (afterSpace) return false;
      afterSpace = true;
    } else if (isOtherWhiteSpace(c)) {
      return false;
    } else {
      afterSpace = false;
    }
  }
  return !afterSpace;
}

/** `\s` apart from U+0020: tab to carriage return, NBSP, ogham space, U+2000-U+200A, line and paragraph separators, U+202F, U+205F, U+3000, BOM. */
export function isOtherWhiteSpace(c: number): boolean {
  if (c < 0xa0) return c >= 0x09 && c <= 0x0d;
  return (
    c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff
  );
}

/**
 * Whether `text(x)` is null, without computing it when the answer is plain: a printable ASCII character other than
 * the space survives NFKC as a character that is not white space (ASCII characters are their own NFKC form and are
 * never the second half of a composition; one followed by combining marks may compose into a letter, never into
 * white space), so any such character means "not blank". For a JSON document that is the first `{`, `[` or `"`, so
 * the check costs a few characters instead of NFKC over the whole document.
 */
export function isBlankText(x: string | null | undefined): boolean {
  if (x === null || x === undefined) return true;
  for (let i = 0; i < x.length; i++) {
    const c = x.charCodeAt(i);
    if (c >= 0x21 && c <= 0x7e) return false;
  }
  return normalizeText(x) === null;
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
