import { formatCount } from '../../shared/format';
import { formatCursor } from '../../domain/cursor';
import type { SyncProgress } from '../../workflows/definitions';
import { renderDetails } from '../../workflows/details';
import { runLagLine } from './freshness';

const n = formatCount;
export const BAR_WIDTH = 20;

/** How far the run is, from 0 to 1: rows read of the rows it had to read when it started. */
export function progressRatio(p: SyncProgress): number {
  return p.rowsToRead > 0 ? Math.min(1, p.rowsRead / p.rowsToRead) : p.state === 'finished' ? 1 : 0;
}

/** What follows the bar and its percentage, e.g. `1,200/3,000 rows · 950 rows/s · batch 12 · running`. */
export function progressDetail(p: SyncProgress): string {
  return `${n(p.rowsRead)}/${n(p.rowsToRead)} rows · ${n(p.rowsPerSecond)} rows/s · batch ${n(p.batchesDone)} · ${p.state}${p.dryRun ? ' · dry-run' : ''}`;
}

/** The progress bar as one line of text, for logs and for `status` without --follow. */
export function progressBar(p: SyncProgress, width = BAR_WIDTH): string {
  const ratio = progressRatio(p);
  const filled = Math.floor(ratio * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${Math.floor(ratio * 100)}% ${progressDetail(p)}`;
}

export function formatProgress(p: SyncProgress): string {
  const c = p.counts;
  return [
    `  progress      ${progressBar(p)}`,
    `  batch size    ${n(p.batchSize)}`,
    `  outcomes      inserted ${n(c.inserted)} · updated ${n(c.updated)} · unchanged ${n(c.unchanged)} · stale ${n(c.stale)} · rejected ${n(c.rejected)}`,
    `  cursor        ${formatCursor(p.cursor)} -> end ${formatCursor(p.endCursor)} (started at ${formatCursor(p.startCursor)})`,
    `  started       ${p.startedAt ?? '-'}${p.continuedAsNew ? ` · continued as new ${p.continuedAsNew} time(s)` : ''}`,
    runLagLine(p),
  ].filter((line) => line !== undefined).join('\n');
}

/** The UI's current details on one line: what `sync` logs while it follows its run. */
export function progressLine(p: SyncProgress): string {
  return renderDetails(p).replace(/\*\*/g, '').split('\n').filter(Boolean).join(' | ');
}
