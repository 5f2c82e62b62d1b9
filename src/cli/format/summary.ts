import { formatCursor } from '../../domain/cursor';
import type { SyncSummary } from '../../workflows/definitions';

const n = (x: number) => x.toLocaleString('en-US');

/** A refused run did nothing; say which run was active and what to do. */
function formatRefused(s: SyncSummary): string {
  const a = s.refused?.activeRun;
  return [
    `Product sync refused: nothing was read or written. ${s.refused?.message ?? 'Another product sync is active.'}`,
    ...(a ? [`  active run    workflow ${a.workflowId} (run ${a.runId}, since ${a.since} UTC)`, `  follow it     npx product-etl status --follow --workflow-id ${a.workflowId}`] : []),
  ].join('\n');
}

export function formatSummary(s: SyncSummary): string {
  if (s.status === 'refused') return formatRefused(s);
  const c = s.counts;
  const lines = [
    `Product sync ${s.status}${s.dryRun ? ' (dry run: nothing was written)' : ''}`,
    `  batches       ${n(s.batches)}`,
    `  rows read     ${n(s.rowsRead)}`,
    `  inserted      ${n(c.inserted)}`,
    `  updated       ${n(c.updated)}`,
    `  unchanged     ${n(c.unchanged)}`,
    `  stale         ${n(c.stale)}`,
    `  rejected      ${n(c.rejected)}`,
    `  cursor        ${formatCursor(s.startCursor)} -> ${formatCursor(s.finalCursor)} (end ${formatCursor(s.endCursor)})`,
    `  duration      ${(s.durationMs / 1000).toFixed(1)}s, ${n(s.rowsPerSecond)} rows/s of batch time`,
  ];
  if (s.sample) {
    if (s.sample.changes.length) lines.push('  sample changes:', ...s.sample.changes.map((ch) => `    ${ch.changeType} ${ch.brandCode}/${ch.sku} [${ch.changedFields.join(', ')}]`));
    if (s.sample.rejects.length) lines.push('  sample rejects:', ...s.sample.rejects.map((r) => `    staging ${r.stagingId}: ${r.reason} - ${r.message}`));
  }
  return lines.join('\n');
}
