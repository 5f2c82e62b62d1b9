/**
 * The sync's own metrics (prom-client), behind the SyncMetrics interface of metricsApi.ts, whose `noMetrics` is the
 * default: a worker without a metrics address, a test and a tool pay nothing.
 *
 * Labels are bounded on purpose: outcome (5 values), reject reason (the normaliser's codes), run state x mode, and the
 * database failure type (src/shared/failureTypes.ts). No workflow or run ids, no row data, no connection settings.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { OUTCOMES } from '../domain/outcome';
import type { RunFinalState, RunMode, SyncMetrics } from './metricsApi';
import type { RejectReason } from '../domain/types';
import { STAGING_TABLE } from '../db/tables';
import { PIPELINE_NAME } from '../temporal/searchAttributes';

export { noMetrics } from './metricsApi';
export type { CommittedBatch, RunFinalState, RunMode, SyncMetrics } from './metricsApi';

const REJECT_REASONS: readonly RejectReason[] = [
  'MISSING_BRAND_CODE', 'MISSING_SKU', 'MISSING_NAME', 'FIELD_TOO_LONG', 'INVALID_PRICE', 'INVALID_STATUS', 'INVALID_ATTRIBUTES', 'INVALID_TAGS', 'ROW_TOO_LARGE',
];
const RUN_STATES: readonly RunFinalState[] = ['completed', 'cancelled', 'failed'];
const RUN_MODES: readonly RunMode[] = ['sync', 'dry_run'];
/** Batches this process remembers having counted: enough for any retry window (a retry follows within minutes). */
const COUNTED_BATCHES_KEPT = 1024;

/** DATETIME(6) values are UTC: every session runs with time_zone '+00:00' (src/db/session.ts). */
export function datetimeToUnixSeconds(at: string): number {
  return Date.parse(`${at.replace(' ', 'T')}Z`) / 1000;
}

export interface SyncMetricsOptions {
  registry: Registry;
  /** Reads the watermark's src_updated_at from the database at scrape time, so the lag is right whichever worker moved it. */
  readWatermark?: () => Promise<string | null>;
  /** Bounds that read; a slow database must not hold up the scrape. */
  readTimeoutMs?: number;
  now?: () => number;
}

export function createSyncMetrics(o: SyncMetricsOptions): SyncMetrics {
  const registers = [o.registry];
  const now = o.now ?? Date.now;
  let watermarkSeconds: number | undefined;
  let behindCount = 0;

  const rows = new Counter({ name: 'product_etl_rows_total', help: 'Staging rows applied in committed batches, by outcome.', labelNames: ['outcome'], registers });
  const rejects = new Counter({ name: 'product_etl_rejects_total', help: 'Rejected staging rows by reason code.', labelNames: ['reason'], registers });
  const batchDuration = new Histogram({
    name: 'product_etl_batch_duration_seconds', help: 'Time one committed batch took in the activity (read, plan, write, commit).', registers,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
  });
  const batchRows = new Histogram({
    name: 'product_etl_batch_rows', help: 'Staging rows read per committed batch.', registers,
    buckets: [1, 10, 50, 100, 250, 500, 1000, 2500, 5000, 10000],
  });
  const readWatermark = o.readWatermark;
  const timeoutMs = o.readTimeoutMs ?? 1000;
  // One read of the watermark per scrape, shared by the two gauges below (a scrape collects them concurrently).
  let refreshing: Promise<void> | undefined;
  const refresh = (): Promise<void> => {
    if (!readWatermark) return Promise.resolve();
    refreshing ??= withTimeout(readWatermark(), timeoutMs)
      .then((at) => {
        watermarkSeconds = at === null ? undefined : datetimeToUnixSeconds(at);
      }, () => undefined) // unreadable (database down): keep the last value known, which cannot have moved meanwhile
      .finally(() => {
        refreshing = undefined;
      });
    return refreshing;
  };
  // A label-less gauge always shows a value (0 before any set), and a lag of 0 would read as "caught up": these carry
  // the watermark's one constant label, so with no watermark known the series is absent instead.
  const watermarkLabels = { table: STAGING_TABLE };
  new Gauge({
    name: 'product_etl_watermark_timestamp_seconds', help: "The watermark's src_updated_at, unix seconds (UTC).", labelNames: ['table'], registers,
    async collect() {
      await refresh();
      this.reset();
      if (watermarkSeconds !== undefined) this.set(watermarkLabels, watermarkSeconds);
    },
  });
  new Gauge({
    name: 'product_etl_watermark_lag_seconds', help: "Now minus the watermark's src_updated_at: how far the sync trails the staging data.", labelNames: ['table'], registers,
    async collect() {
      await refresh();
      this.reset();
      if (watermarkSeconds !== undefined) this.set(watermarkLabels, now() / 1000 - watermarkSeconds);
    },
  });
  const behind = new Gauge({
    name: 'product_etl_staging_rows_behind', help: 'Staging rows between the watermark and the end of the run in progress: counted when the run starts, lowered per committed batch.', registers,
  });
  const runs = new Counter({ name: 'product_etl_runs_total', help: 'Sync runs closed, by final state and mode (a continue-as-new is not a close).', labelNames: ['state', 'mode'], registers });
  // Labelled for the same reason as the watermark: absent, not 0 (1970), until a run completes in this process.
  const lastSuccess = new Gauge({ name: 'product_etl_last_success_timestamp_seconds', help: 'When the last real (not dry-run) sync run completed, unix seconds.', labelNames: ['pipeline'], registers });
  const dbErrors = new Counter({ name: 'product_etl_database_errors_total', help: 'Activity attempts failed by the database, by failure type.', labelNames: ['type'], registers });

  // Every series a rule uses exists from the start at 0, so increase() sees the first failure or reject.
  for (const outcome of OUTCOMES) rows.inc({ outcome }, 0);
  for (const reason of REJECT_REASONS) rejects.inc({ reason }, 0);
  for (const state of RUN_STATES) for (const mode of RUN_MODES) runs.inc({ state, mode }, 0);

  const counted = new Set<string>();
  return {
    batchCommitted(b) {
      // A repeated attempt returns a batch an earlier attempt committed. If that attempt ran here it was counted then;
      // if it ran in another process (which died), this is the only report of it.
      if (b.alreadyCommitted && counted.has(b.key)) return;
      counted.add(b.key);
      if (counted.size > COUNTED_BATCHES_KEPT) counted.delete(counted.values().next().value as string);
      for (const outcome of OUTCOMES) if (b.counts[outcome] > 0) rows.inc({ outcome }, b.counts[outcome]);
      for (const [reason, n] of Object.entries(b.rejectsByReason ?? {})) if (n) rejects.inc({ reason }, n);
      batchDuration.observe(b.elapsedMs / 1000);
      batchRows.observe(b.rowsRead);
      watermarkSeconds = datetimeToUnixSeconds(b.watermarkAt);
      behind.set(Math.max(0, (behindCount -= b.rowsRead)));
    },
    runPlanned(p) {
      watermarkSeconds = p.watermarkAt === null ? undefined : datetimeToUnixSeconds(p.watermarkAt);
      behind.set((behindCount = p.rowsToRead));
    },
    databaseError(type) {
      dbErrors.inc({ type });
    },
    runFinished(state, mode, finishedAt) {
      runs.inc({ state, mode });
      if (state === 'completed' && mode === 'sync') lastSuccess.set({ pipeline: PIPELINE_NAME }, finishedAt ? Date.parse(finishedAt) / 1000 : now() / 1000);
    },
  };
}

export function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
