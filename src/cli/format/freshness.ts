import type { Freshness } from '../../db/stores/freshnessStore';
import { formatCursor } from '../../domain/cursor';
import { formatSeconds } from '../../shared/duration';
import type { SyncProgress } from '../../workflows/definitions';

const n = (x: number) => x.toLocaleString('en-US');

/** The progress query's figure: behind the newest row the run knew of when it started (its end). */
export function runLagLine(p: SyncProgress): string | undefined {
  if (!p.watermarkLag) return undefined;
  return `  behind        ${formatSeconds(p.watermarkLag.seconds)} of src_updated_at and ${n(p.watermarkLag.rows)} row(s) behind the newest staging row at the run's start`;
}

/** The database's live figure: the watermark against the newest staging row now. */
export function freshnessLines(f: Freshness): string[] {
  if (!f.newest) return ['  freshness     products_staging is empty'];
  const lines = [
    f.rowsBehind === 0
      ? `  freshness     up to date: the watermark ${formatCursor(f.watermark)} is at the newest staging row`
      : `  freshness     the watermark ${formatCursor(f.watermark)} is ${formatSeconds(f.lagSeconds)} behind the newest staging row ${formatCursor(f.newest)}: ${n(f.rowsBehind)} row(s) to read`,
  ];
  if (f.unreadBehind > 0) {
    lines.push(
      `  warning       ${n(f.unreadBehind)} staging row(s) inserted after the watermark's row are dated before it: no resumed run reads them`,
      '                (read them with `sync --lookback <how far back>` or `--no-resume`; docs/operations.md, "Freshness")',
    );
  }
  return lines;
}
