import { formatCursor } from '../domain/cursor';
import { formatCount as n } from '../shared/format';
import type { SyncProgress } from './definitions';

/** The "current details" the Temporal UI shows on the run's page (Markdown), refreshed after every batch. */
export function renderDetails(p: SyncProgress): string {
  const pct = p.rowsToRead > 0 ? ` (${Math.min(100, Math.floor((p.rowsRead * 100) / p.rowsToRead))}%)` : '';
  const c = p.counts;
  return [
    `**products sync** · ${p.state}${p.dryRun ? ' · dry-run' : ''} · batch size ${n(p.batchSize)}`,
    '',
    `- batches: ${n(p.batchesDone)} · rows: ${n(p.rowsRead)} of ${n(p.rowsToRead)}${pct} · ${n(p.rowsPerSecond)} rows/s`,
    `- inserted ${n(c.inserted)} · updated ${n(c.updated)} · unchanged ${n(c.unchanged)} · stale ${n(c.stale)} · rejected ${n(c.rejected)}`,
    `- cursor ${formatCursor(p.cursor)} → end ${formatCursor(p.endCursor)}`,
    ...(p.partitions !== undefined ? [partitionsLine(p)] : []),
  ].join('\n');
}

/** Partitioned runs only: K for the next window, and the window in flight. */
function partitionsLine(p: SyncProgress): string {
  const w = p.window;
  const inFlight = w ? ` · window of ${n(w.rows)} rows: ${w.committed} of ${w.partitions} partitions committed` : '';
  return `- partitions ${p.partitions}${inFlight} · lock retries ${n(p.lockRetries ?? 0)}`;
}
