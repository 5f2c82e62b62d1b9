/**
 * How far one DATETIME(6) text trails another, in seconds, to the millisecond: enough to say "3h 12m behind".
 * Both are read as UTC, which is harmless here because only their difference is used. 0 when `from` does not trail.
 * Pure (workflow code uses it for the progress query).
 */
export function lagSeconds(from: string, to: string): number {
  const ms = (text: string) => Date.parse(`${text.slice(0, 23).replace(' ', 'T')}Z`);
  const diff = (ms(to) - ms(from)) / 1000;
  return Number.isFinite(diff) && diff > 0 ? diff : 0;
}
