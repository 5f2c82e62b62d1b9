/**
 * Metrics and health for a worker. The process that runs the worker calls startWorkerObservability() with the
 * address, passes `metrics` to createWorker(), and closes it when the worker has stopped:
 *
 *   const obs = addr ? await startWorkerObservability({ addr, knex, connection, worker: () => worker }) : undefined;
 *   const worker = await createWorker({ ..., metrics: obs?.metrics });
 *   try { await worker.run(); } finally { await obs?.close(); }
 */
import type { NativeConnection, Worker } from '@temporalio/worker';
import type { Knex } from 'knex';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { watermarkStore } from '../db/stores/watermarkStore';
import { ListenAddress, parseListenAddress } from './address';
import { databaseReadiness, temporalReadiness } from './readiness';
import { ObservabilityServer, startObservabilityServer } from './server';
import { createSyncMetrics, SyncMetrics } from './syncMetrics';

export { observabilityAddresses, parseListenAddress, formatListenAddress } from './address';
export type { ListenAddress, ObservabilityAddresses } from './address';
export { databaseReadiness, temporalReadiness, runReadiness } from './readiness';
export type { ReadinessCheck } from './readiness';
export { startObservabilityServer } from './server';
export type { ObservabilityServer } from './server';
export { createSyncMetrics, noMetrics } from './syncMetrics';
export type { SyncMetrics, RunFinalState, RunMode } from './syncMetrics';

export interface WorkerObservabilityOptions {
  addr: ListenAddress | string;
  /** The worker's database handle: /readyz probes it and the lag reads the watermark through it. */
  knex: Knex;
  /** The worker's Temporal connection, probed by /readyz. */
  connection: NativeConnection;
  /** The worker, once made: /readyz is unready while it is not polling. */
  worker?: () => Worker | undefined;
}

export interface WorkerObservability {
  metrics: SyncMetrics;
  registry: Registry;
  server: ObservabilityServer;
  close(): Promise<void>;
}

export async function startWorkerObservability(o: WorkerObservabilityOptions): Promise<WorkerObservability> {
  const registry = new Registry();
  // Node process metrics (RSS, heap, event-loop lag, GC), under their usual names.
  collectDefaultMetrics({ register: registry });
  const metrics = createSyncMetrics({
    registry,
    readWatermark: async () => (await watermarkStore.read(o.knex)).cursor?.at ?? null,
  });
  const server = await startObservabilityServer({
    addr: typeof o.addr === 'string' ? parseListenAddress(o.addr) : o.addr,
    registry,
    readiness: [databaseReadiness(o.knex), temporalReadiness(o.connection, o.worker)],
  });
  return { metrics, registry, server, close: () => server.close() };
}
