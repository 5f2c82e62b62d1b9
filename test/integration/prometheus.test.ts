/**
 * The worker's metrics as an operator sees them: a real Prometheus (Debian's package) scrapes a real worker every
 * second during two syncs of demo rows, and its query API must give the runs' summaries back exactly. /readyz is
 * checked against a MariaDB of the test's own, stopped and started again (never the shared server).
 */
import { SDK_METRICS_PORT } from '../support/sdkMetricsRuntime'; // first: installs the runtime with SDK metrics
import { NativeConnection } from '@temporalio/worker';
import { join } from 'node:path';
import { createKnex } from '../../src/db/connection';
import { seedStaging } from '../../src/demo/seedStaging';
import { OUTCOMES, OutcomeCounts, addCounts, zeroCounts } from '../../src/domain/outcome';
import { startSync } from '../../src/client';
import { startWorkerObservability, WorkerObservability, databaseReadiness, startObservabilityServer, temporalReadiness } from '../../src/observability';
import { Registry } from 'prom-client';
import type { SyncSummary } from '../../src/workflows/definitions';
import { OwnMariaDb } from '../support/ownMariaDb';
import { PrometheusServer, prometheusMissing } from '../support/prometheusServer';
import { createTestDatabase, TestDatabase } from '../support/testDatabase';
import { startTestWorker, TEMPORAL_ADDRESS, TestWorker, uniqueId } from '../support/temporalTestEnv';

const missing = prometheusMissing();
if (missing) {
  // Loud on purpose: a skipped Prometheus test must not pass for a green one.
  console.warn(`\n\n*** SKIPPING the real-Prometheus tests: ${missing} ***\n\n`);
}
const describeWithPrometheus = missing ? describe.skip : describe;
jest.setTimeout(240_000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until `probe` returns a value `ok` accepts; fails with the last value seen. */
async function eventually<T>(what: string, probe: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastErr: unknown;
  for (;;) {
    try {
      last = await probe();
      if (ok(last)) return last;
    } catch (err) {
      lastErr = err;
    }
    if (Date.now() > deadline) throw new Error(`${what}: not reached within ${timeoutMs} ms; last ${JSON.stringify(last)} ${lastErr ? String(lastErr) : ''}`);
    await sleep(250);
  }
}

/** A DATETIME(6) some minutes ago, in UTC like every session. */
function minutesAgo(minutes: number): string {
  return `${new Date(Date.now() - minutes * 60_000).toISOString().replace('T', ' ').replace('Z', '')}000`;
}

describeWithPrometheus('metrics scraped by a real Prometheus', () => {
  let db: TestDatabase;
  let connection: NativeConnection;
  let obs: WorkerObservability;
  let worker: TestWorker;
  let prometheus: PrometheusServer;

  beforeAll(async () => {
    db = await createTestDatabase('prometheus');
    connection = await NativeConnection.connect({ address: TEMPORAL_ADDRESS });
    obs = await startWorkerObservability({ addr: '127.0.0.1:0', knex: db.knex, connection, worker: () => worker?.worker });
    worker = await startTestWorker(db.knex, { connection, metrics: obs.metrics });
    prometheus = await PrometheusServer.start(
      [{ job: 'product-etl', address: `127.0.0.1:${obs.server.addr.port}` }, { job: 'product-etl-sdk', address: `127.0.0.1:${SDK_METRICS_PORT}` }],
      [join(__dirname, '../../deploy/prometheus/recording-rules.yml'), join(__dirname, '../../deploy/prometheus/alert-rules.yml')],
    );
  });

  afterAll(async () => {
    await prometheus?.stop();
    await worker?.stop();
    await obs?.close();
    await connection?.close();
    await db?.drop();
  });

  /** The Prometheus value of each outcome's counter. */
  async function scrapedCounts(): Promise<OutcomeCounts> {
    const counts = zeroCounts();
    for (const s of await prometheus.query('product_etl_rows_total{job="product-etl"}')) counts[s.metric.outcome as keyof OutcomeCounts] = s.value;
    return counts;
  }

  async function sync(batchSize: number): Promise<SyncSummary> {
    const handle = await startSync(worker.client, worker.taskQueue, { batchSize }, uniqueId('prom'));
    return handle.result();
  }

  it('serves /healthz, and /readyz while the database and Temporal answer', async () => {
    const health = await fetch(`${obs.server.url}/healthz`);
    expect(health.status).toBe(200);
    const ready = await fetch(`${obs.server.url}/readyz`);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { database: 'ok', temporal: 'ok' } });
    expect(ready.status).toBe(200);
  });

  it('gives counters equal to the runs summaries, and a lag that went down', async () => {
    // Run 1: rows from 2026-01-01 (the demo default), months behind today.
    await seedStaging(db.knex, { rows: 3000, seed: 21 });
    const first = await sync(200);
    expect(first.status).toBe('completed');
    expect(first.counts.rejected).toBeGreaterThan(0);
    await eventually('Prometheus sees run 1', scrapedCounts, (c) => JSON.stringify(c) === JSON.stringify(first.counts));
    const lagAfterFirst = (await eventually('lag after run 1', () => prometheus.query('product_etl_watermark_lag_seconds'), (r) => r.length === 1))[0].value;

    // Run 2: upstream catches up with rows from ten minutes ago.
    await seedStaging(db.knex, { rows: 2000, seed: 22, startAt: minutesAgo(10) });
    const second = await sync(300);
    expect(second.status).toBe('completed');
    const total = addCounts(first.counts, second.counts);
    await eventually('Prometheus sees run 2', scrapedCounts, (c) => JSON.stringify(c) === JSON.stringify(total));
    const lag = await eventually('lag after run 2', () => prometheus.query('product_etl_watermark_lag_seconds'), (r) => r.length === 1 && r[0].value < 3600);
    expect(lagAfterFirst).toBeGreaterThan(30 * 24 * 3600);
    expect(lag[0].value).toBeGreaterThan(9 * 60); // the last row is ~10 minutes old (scrape time minus its src_updated_at)

    // Two more scrapes later nothing has been counted twice.
    await sleep(2500);
    expect(await scrapedCounts()).toEqual(total);
    const one = async (q: string) => (await prometheus.query(q)).map((s) => s.value);
    expect(await one('sum(product_etl_rejects_total)')).toEqual([total.rejected]);
    expect(await one('product_etl_runs_total{state="completed",mode="sync"}')).toEqual([2]);
    expect(await one('product_etl_runs_total{state="failed",mode="sync"}')).toEqual([0]);
    expect(await one('product_etl_staging_rows_behind')).toEqual([0]);
    expect(await one('sum(product_etl_batch_rows_sum)')).toEqual([first.rowsRead + second.rowsRead]);
    expect(await one('sum(product_etl_batch_duration_seconds_count)')).toEqual([first.batches + second.batches]);
    const [lastSuccess] = await one('product_etl_last_success_timestamp_seconds');
    expect(lastSuccess).toBeCloseTo(Date.parse(second.finishedAt as string) / 1000, 0);
    // The shipped recording rules evaluate on these series.
    expect(await one('sum(product_etl:rows_total:increase1h)')).not.toEqual([]);
    for (const outcome of OUTCOMES) expect(total[outcome]).toBeGreaterThanOrEqual(0);
  });

  it('counts runs by how they closed: failed, cancelled, dry runs apart', async () => {
    const runs = async () => {
      const m = await obs.registry.getSingleMetric('product_etl_runs_total')!.get();
      return Object.fromEntries(m.values.map((v) => [`${v.labels.state}/${v.labels.mode}`, v.value]));
    };
    const before = await runs();
    // Rejected by the workflow's own input check: the run fails (InvalidInput).
    const bad = await startSync(worker.client, worker.taskQueue, { batchSize: 1000, maxBatchesPerRun: 0 }, uniqueId('prom-bad'));
    await expect(bad.result()).rejects.toThrow();
    const dry = await startSync(worker.client, worker.taskQueue, { dryRun: true }, uniqueId('prom-dry'));
    expect((await dry.result()).dryRun).toBe(true);
    await seedStaging(db.knex, { rows: 500, seed: 23, startAt: minutesAgo(5) });
    const cancelled = await startSync(worker.client, worker.taskQueue, { batchSize: 1 }, uniqueId('prom-cancel'));
    await cancelled.cancel();
    await expect(cancelled.result()).rejects.toThrow();
    const after = await eventually('run outcomes reported', runs, (r) => r['cancelled/sync'] === before['cancelled/sync'] + 1);
    expect(after).toEqual({ ...before, 'failed/sync': before['failed/sync'] + 1, 'completed/dry_run': before['completed/dry_run'] + 1, 'cancelled/sync': before['cancelled/sync'] + 1 });
    // A dry run is no successful sync.
    const [lastSuccess] = (await obs.registry.getSingleMetric('product_etl_last_success_timestamp_seconds')!.get()).values;
    expect(lastSuccess.value).toBeLessThan(Date.now() / 1000 - 1);
  });

  it('also scrapes the Temporal SDK metrics on their own port', async () => {
    const up = await eventually('SDK target up', () => prometheus.query('up{job="product-etl-sdk"}'), (r) => r.length === 1 && r[0].value === 1);
    expect(up[0].value).toBe(1);
    const text = await (await fetch(`http://127.0.0.1:${SDK_METRICS_PORT}/metrics`)).text();
    expect(text).toMatch(/^temporal_activity_execution_latency_seconds/m);
    expect(text).toMatch(/^temporal_worker_task_slots_available/m);
    const series = await prometheus.query('temporal_activity_execution_latency_seconds_count{job="product-etl-sdk"}');
    expect(series.length).toBeGreaterThan(0);
  });
});

describeWithPrometheus('/readyz and a database that stops', () => {
  it('is unready while its MariaDB is down and ready again when it returns', async () => {
    const own = await OwnMariaDb.create();
    await own.start();
    const knex = createKnex({ ...own.settings(), database: 'mysql' }, { poolMax: 2 });
    const connection = await NativeConnection.connect({ address: TEMPORAL_ADDRESS });
    const server = await startObservabilityServer({
      addr: { host: '127.0.0.1', port: 0 }, registry: new Registry(), readiness: [databaseReadiness(knex), temporalReadiness(connection)],
    });
    const readyz = async () => {
      const res = await fetch(`${server.url}/readyz`);
      return { status: res.status, body: (await res.json()) as { checks: Record<string, string> } };
    };
    try {
      expect((await eventually('ready', readyz, (r) => r.status === 200)).body.checks).toEqual({ database: 'ok', temporal: 'ok' });
      await own.stop();
      const down = await eventually('unready', readyz, (r) => r.status === 503);
      expect(down.body.checks.database).toMatch(/^database unreachable/);
      expect(down.body.checks.temporal).toBe('ok');
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200); // the process is still up
      await own.start([], { samePort: true });
      await eventually('ready again', readyz, (r) => r.status === 200, 30_000);
    } finally {
      await server.close();
      await connection.close();
      await knex.destroy();
      await own.destroy();
    }
  });
});
