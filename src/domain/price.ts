/**
 * The price rule (spec section 3). Exact decimal arithmetic on the digit string: a double cannot represent
 * 1.005 or 9999999999.995 exactly, so floating-point rounding would get exactly the boundary cases wrong.
 */
import { normalizeText, quoteExcerpt } from './text';

/** The largest value DECIMAL(12,2) holds, in cents. */
const MAX_CENTS = 999_999_999_999n;

const CURRENCY_PREFIX = /^(?:¥|CNY|RMB)/i;
const YUAN_SUFFIX = /元$/;
const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

export type PriceResult =
  | { ok: true; value: string | null }
  | { ok: false; problem: 'NOT_A_NUMBER' | 'TOO_LARGE'; message: string };

/**
 * `null`/blank -> `{ok: true, value: null}`; a valid price -> its canonical "digits.dd" string;
 * anything else -> `{ok: false}` with a message that names the field and quotes the raw value.
 */
export function normalizePrice(raw: string | null | undefined): PriceResult {
  const t = normalizeText(raw);
  if (t === null) return { ok: true, value: null };
  // NFKC has already turned '￥' into '¥' and full-width digits and commas into ASCII ones.
  const stripped = t.replace(CURRENCY_PREFIX, '').replace(YUAN_SUFFIX, '').trim().replace(/,/g, '');
  const m = DECIMAL.exec(stripped);
  if (m === null) {
    return {
      ok: false,
      problem: 'NOT_A_NUMBER',
      message: `price ${quoteExcerpt(raw)} is not a number (after removing currency marks and thousands separators)`,
    };
  }
  const cents = roundHalfUpToCents(m[1] as string, m[2] ?? '');
  if (cents > MAX_CENTS) {
    return {
      ok: false,
      problem: 'TOO_LARGE',
      message: `price ${quoteExcerpt(raw)} is greater than 9999999999.99 (after rounding to 2 decimals)`,
    };
  }
  return { ok: true, value: formatCents(cents) };
}

/** Half up on the first dropped digit is exact: the dropped tail is >= 0.005 iff its first digit is >= 5. */
function roundHalfUpToCents(intDigits: string, fracDigits: string): bigint {
  const kept = (fracDigits + '00').slice(0, 2);
  const firstDropped = fracDigits.charAt(2);
  const cents = BigInt(intDigits + kept);
  return firstDropped !== '' && firstDropped >= '5' ? cents + 1n : cents;
}

function formatCents(cents: bigint): string {
  const whole = cents / 100n;
  const frac = (cents % 100n).toString().padStart(2, '0');
  return `${whole.toString()}.${frac}`;
}
