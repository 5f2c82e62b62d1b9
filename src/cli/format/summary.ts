import { formatCount } from '../../shared/format';
import { formatCursor, START_CURSOR } from '../../domain/cursor';
import type { SyncSummary } from '../../workflows/definitions';

const n = formatCount;

/** A refused run did nothing; say which run was active and what to do. */
function formatRefused(s: SyncSummary): string {
  const a = s.refused?.activeRun;
  return [
    `Product sync refused: nothing was read or written. ${s.refused?.message ?? 'Another product sync is active.'}`,
    ...(a ? [`  active run    workflow ${a.workflowId} (run ${a.runId}, since ${a.since} UTC)`, `  follow it     npx product-etl status --follow --workflow-id ${a.workflowId}`] : []),
  ].join('\n');
}

/**
 * Where a run's rejects are. A reject is recorded once per staging row version and reason (docs/operations.md), so
 * a row this run rejected again keeps its first record under the run that first saw it: the query selects by the
 * staging rows' time range the run read, not by run id.
 */
function rejectsPointer(s: SyncSummary): string[] {
  const from = (s.startCursor ?? START_CURSOR).at;
  const to = (s.finalCursor ?? s.endCursor)?.at;
  if (!to) return [];
  return [
    `  rejects are in product_etl_reject (kept once per staging row version and reason; \`npx product-etl rejects prune --older-than 30d\` for retention):`,
    `    SELECT staging_id, reason_code, message FROM product_etl_reject WHERE src_updated_at BETWEEN '${from}' AND '${to}' ORDER BY src_updated_at, staging_id;`,
    `    or by reason: npx product-etl rejects; as a file for upstream: npx product-etl rejects export --format csv --out rejects.csv`,
  ];
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
  // Partitioned runs (docs/scaling.md): a "batch" above is a window of up to batch size × K rows.
  if (s.partitions !== undefined) lines.splice(2, 0, `  partitions    ${n(s.partitions)} per window (batches are windows); ${n(s.lockRetries ?? 0)} lock conflict(s) retried`);
  if (c.rejected > 0 && !s.dryRun) lines.push(...rejectsPointer(s));
  if (s.unreadBehindStart) {
    lines.push(
      `  warning: ${n(s.unreadBehindStart)} staging row(s) were inserted after the watermark's row but are dated before where this run started`,
      `    (${formatCursor(s.startCursor)}): no resumed run reads them. Read them with \`npx product-etl sync --lookback <how far back>\` or \`--no-resume\`.`,
      `    (Found by id: rows with an id above the watermark's and an older src_updated_at; see docs/operations.md, "Freshness".)`,
    );
  }
  if (s.sample) {
    if (s.sample.changes.length) lines.push('  sample changes:', ...s.sample.changes.map((ch) => `    ${ch.changeType} ${ch.brandCode}/${ch.sku} [${ch.changedFields.join(', ')}]`));
    if (s.sample.rejects.length) lines.push('  sample rejects:', ...s.sample.rejects.map((r) => `    staging ${r.stagingId}: ${r.reason} - ${r.message}`));
  }
  return lines.join('\n');
}
