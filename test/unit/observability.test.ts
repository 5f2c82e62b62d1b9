import { Registry } from 'prom-client';
import { observabilityAddresses, parseListenAddress } from '../../src/observability/address';
import { createSyncMetrics, datetimeToUnixSeconds } from '../../src/observability/syncMetrics';
import { zeroCounts } from '../../src/domain/outcome';

describe('metrics addresses', () => {
  it('parses host:port, :port, a bare port and [v6]:port, and refuses the rest', () => {
    expect(parseListenAddress('127.0.0.1:9464')).toEqual({ host: '127.0.0.1', port: 9464 });
    expect(parseListenAddress(':9464')).toEqual({ host: '0.0.0.0', port: 9464 });
    expect(parseListenAddress('9464')).toEqual({ host: '127.0.0.1', port: 9464 });
    expect(parseListenAddress('[::1]:9464')).toEqual({ host: '::1', port: 9464 });
    for (const bad of ['', 'localhost', 'x:y', '1.2.3.4:70000']) expect(() => parseListenAddress(bad)).toThrow(/Not a listen address/);
  });

  it('is off unless set; the SDK metrics go on the next port unless placed or turned off', () => {
    expect(observabilityAddresses({})).toEqual({ metrics: undefined });
    expect(observabilityAddresses({ PRODUCT_ETL_METRICS_ADDR: 'off' })).toEqual({ metrics: undefined });
    expect(observabilityAddresses({ PRODUCT_ETL_METRICS_ADDR: '0.0.0.0:9464' })).toEqual({ metrics: { host: '0.0.0.0', port: 9464 }, sdkMetrics: { host: '0.0.0.0', port: 9465 } });
    expect(observabilityAddresses({ PRODUCT_ETL_METRICS_ADDR: ':9464', PRODUCT_ETL_SDK_METRICS_ADDR: '127.0.0.1:9100' }).sdkMetrics).toEqual({ host: '127.0.0.1', port: 9100 });
    expect(observabilityAddresses({ PRODUCT_ETL_METRICS_ADDR: ':9464', PRODUCT_ETL_SDK_METRICS_ADDR: 'off' }).sdkMetrics).toBeUndefined();
    // A flag (the CLI's --metrics-addr) takes the place of the variable.
    expect(observabilityAddresses({ PRODUCT_ETL_METRICS_ADDR: ':1' }, '127.0.0.1:9500').metrics).toEqual({ host: '127.0.0.1', port: 9500 });
  });
});

describe('sync metrics', () => {
  const batch = (key: string, alreadyCommitted: boolean) => ({
    key, alreadyCommitted, counts: { ...zeroCounts(), inserted: 3, rejected: 1 }, rowsRead: 4, elapsedMs: 20,
    watermarkAt: '2026-01-01 00:00:10.500000', rejectsByReason: alreadyCommitted ? undefined : { MISSING_SKU: 1 },
  });
  const value = async (registry: Registry, name: string, labels: Record<string, string> = {}) => {
    const m = await registry.getSingleMetric(name)!.get();
    return m.values.find((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x))?.value;
  };

  it('counts a batch once, even when a repeated attempt reports it again', async () => {
    const registry = new Registry();
    const metrics = createSyncMetrics({ registry });
    metrics.batchCommitted(batch('run-1 a', false));
    metrics.batchCommitted(batch('run-1 a', true)); // counted already by this process
    metrics.batchCommitted(batch('run-1 b', true)); // committed by a process that died: only reported now
    expect(await value(registry, 'product_etl_rows_total', { outcome: 'inserted' })).toBe(6);
    expect(await value(registry, 'product_etl_rows_total', { outcome: 'updated' })).toBe(0);
    expect(await value(registry, 'product_etl_rejects_total', { reason: 'MISSING_SKU' })).toBe(1);
    expect(await value(registry, 'product_etl_runs_total', { state: 'failed', mode: 'sync' })).toBe(0);
  });

  it('computes the lag at scrape time from the watermark, UTC, and forgets nothing when the database cannot be read', async () => {
    const registry = new Registry();
    let now = datetimeToUnixSeconds('2026-01-01 01:00:00') * 1000;
    let read: () => Promise<string | null> = async () => '2026-01-01 00:30:00.000000';
    const metrics = createSyncMetrics({ registry, now: () => now, readWatermark: () => read() });
    const unknown = new Registry();
    createSyncMetrics({ registry: unknown });
    expect(await value(unknown, 'product_etl_watermark_lag_seconds')).toBeUndefined(); // absent, not a lag of 0
    expect(datetimeToUnixSeconds('1970-01-01 00:01:00.000000')).toBe(60);
    expect(await value(registry, 'product_etl_watermark_lag_seconds')).toBe(1800);
    metrics.runPlanned({ watermarkAt: null, rowsToRead: 10 });
    metrics.batchCommitted(batch('r x', false));
    expect(await value(registry, 'product_etl_staging_rows_behind')).toBe(6);
    read = () => Promise.reject(new Error('down'));
    now += 60_000;
    expect(await value(registry, 'product_etl_watermark_lag_seconds')).toBe(3600 - 10.5 + 60);
    expect(await value(registry, 'product_etl_watermark_timestamp_seconds')).toBe(datetimeToUnixSeconds('2026-01-01 00:00:10.5'));
  });

  it('records the last success for real runs only', async () => {
    const registry = new Registry();
    const metrics = createSyncMetrics({ registry });
    metrics.runFinished('completed', 'dry_run', '2026-01-01T00:00:00.000Z');
    expect(await value(registry, 'product_etl_last_success_timestamp_seconds')).toBeUndefined();
    metrics.runFinished('completed', 'sync', '2026-01-01T00:00:01.000Z');
    expect(await value(registry, 'product_etl_last_success_timestamp_seconds')).toBe(datetimeToUnixSeconds('2026-01-01 00:00:01'));
    expect(await value(registry, 'product_etl_runs_total', { state: 'completed', mode: 'dry_run' })).toBe(1);
  });
});
