/**
 * SQL literals for the sync's multi-row statements, written by hand because they are the hot path: knex's query
 * compiler and mysql2's generic escaping took a fifth of a batch's CPU (docs/benchmarks.md).
 *
 * The connection's sql_mode never includes NO_BACKSLASH_ESCAPES (src/db/connection.ts sets it), so inside a
 * single-quoted literal only the backslash, the quote and NUL need escaping; tabs, newlines and every other
 * character, including 4-byte UTF-8, are taken as they are. This is the same literal mysql2 would send, spelled
 * with fewer escapes.
 */
const NEEDS_ESCAPE = /[\\'\0]/;
const BACKSLASH_OR_QUOTE = /[\\']/g;
const NUL = /\0/g;

/**
 * A replacement string (`$&`, the match) rather than a callback: V8 then escapes in native code, which matters for a
 * value that is mostly backslashes (a callback per character took seconds for a few megabytes).
 */
export function stringLiteral(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return "'" + s + "'";
  const escaped = s.replace(BACKSLASH_OR_QUOTE, '\\$&');
  return "'" + (escaped.includes('\0') ? escaped.replace(NUL, '\\0') : escaped) + "'";
}

const UNSIGNED_INTEGER = /^[0-9]{1,20}$/;

/** A BIGINT UNSIGNED carried as a decimal string (ids, staging ids); anything else is a bug, not data. */
export function idLiteral(id: string): string {
  if (!UNSIGNED_INTEGER.test(id)) throw new Error(`not an unsigned integer id: ${JSON.stringify(id.slice(0, 40))}`);
  return id;
}

export function nullableString(s: string | null | undefined): string {
  return s === null || s === undefined ? 'NULL' : stringLiteral(s);
}
