import type { Client } from '@temporalio/client';
import { InjectedSinks, makeTelemetryFilterString, NativeConnection, Runtime, Worker, WorkerOptions } from '@temporalio/worker';
import type { Knex } from 'knex';
import { createActivities, type BatchHooks } from './activities';
import type { ActivityConfig } from './activities/deps';
import type { Logger } from './activities/logger';
import { activityLogger, sdkLogger } from './logging/adapters';
import { installLogger, processLogger } from './logging/logger';
import { LogLevel, logSettings } from './logging/settings';
import { formatListenAddress, ListenAddress } from './observability/address';
import { noMetrics, type SyncMetrics } from './observability/metricsApi';
import { PIPELINE_NAME } from './shared/pipeline';
import { workerWorkflowCode } from './workflowBundle';
import type { RunOutcomeSinks } from './workflows/runOutcomeInterceptor';

export { WORKFLOW_INTERCEPTOR_MODULES } from './workflowBundle';

export interface CreateWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  knex: Knex;
  /** Lets the run lock ask Temporal whether the run holding it is still open. */
  client?: Client;
  logger?: Logger;
  /**
   * The workflow bundle (tests bundle the sources once per file); default: the one `npm run build` made, refused when
   * it is missing or older than the compiled code (src/workflowBundle.ts), or the sources bundled at start in a test run.
   */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** Activities taken from the task queue at once (DEFAULT_ACTIVITY_SLOTS); eager dispatch may add EAGER_SLOTS. */
  polledActivitySlots?: number;
  /** Overrides of the activities' settings (e.g. maxBatchAttempts); the pipeline name is fixed. */
  activityConfig?: Omit<ActivityConfig, 'pipeline'>;
  /** For test harnesses only; a production worker runs without. */
  hooks?: BatchHooks;
  /** Where the sync's metrics go (startWorkerObservability() makes one); default: nowhere. */
  metrics?: SyncMetrics;
}

/** The worker side of the run-outcome sink: each closed sync run, once (never again on replay). */
export function runOutcomeSinks(metrics: SyncMetrics): InjectedSinks<RunOutcomeSinks> {
  return {
    runOutcome: {
      finished: {
        fn: (_info, state, dryRun, finishedAt) => metrics.runFinished(state, dryRun ? 'dry_run' : 'sync', finishedAt),
        callDuringReplay: false,
      },
    },
  };
}

/**
 * Activities taken from the task queue at once: batches are transactions on one database, so a few at a time is
 * plenty (more only contend for locks). Eager dispatch may run up to EAGER_SLOTS more.
 */
export const DEFAULT_ACTIVITY_SLOTS = 4;

/**
 * Slots kept free of pollers, so the server can hand the worker the next batch in its reply to the workflow task that
 * scheduled it (eager activity dispatch) instead of through the task queue. The SDK requests eager dispatch only when
 * it can reserve a slot that no poll holds, and polls by default hold min(10, slots): with 4 slots and 4 polls it
 * never asked, and each batch waited on the task queue (on the dev server about 40 ms of a 100 ms batch; measured in
 * docs/benchmarks.md, 2026-12-04 evening). Needs `system.enableActivityEagerExecution` on the server (the project's
 * dev server sets it; docs/operations.md says how for a cluster); without it nothing changes.
 */
export const EAGER_SLOTS = 2;

function activitySlots(polled: number): Pick<WorkerOptions, 'maxConcurrentActivityTaskExecutions' | 'activityTaskPollerBehavior'> {
  return { maxConcurrentActivityTaskExecutions: polled + EAGER_SLOTS, activityTaskPollerBehavior: { type: 'simple-maximum', maximum: polled } };
}

/** The worker: the sync workflows, and the activities built with the database handle they are given. */
export async function createWorker(o: CreateWorkerOptions): Promise<Worker> {
  const activities = createActivities({
    knex: o.knex,
    client: o.client,
    logger: o.logger ?? activityLogger(processLogger()),
    config: { ...o.activityConfig, pipeline: PIPELINE_NAME },
    hooks: o.hooks,
    metrics: o.metrics ?? noMetrics,
  });
  return Worker.create({
    connection: o.connection,
    namespace: o.namespace,
    taskQueue: o.taskQueue,
    ...(o.workflowBundle ? { workflowBundle: o.workflowBundle } : workerWorkflowCode()),
    activities,
    sinks: runOutcomeSinks(o.metrics ?? noMetrics),
    ...activitySlots(o.polledActivitySlots ?? DEFAULT_ACTIVITY_SLOTS),
  });
}

export interface RuntimeOptions {
  /**
   * Serve the Temporal SDK's own metrics (task slots, poll and schedule-to-start latencies, activity and workflow
   * task failures) in Prometheus text at http://<addr>/metrics. The SDK's native core runs this server itself, so it
   * is a port of its own (observabilityAddresses() puts it next to the sync's metrics). Only for the long-running
   * worker: the runtime is per process, and a short CLI command must not hold the port.
   */
  sdkMetricsAddr?: ListenAddress;
  /** LOG_LEVEL when unset: INFO for the long-running worker, WARN (the default) for a command a person waits on. */
  defaultLogLevel?: LogLevel;
}

/**
 * The process's logging and the Temporal runtime, once per process. Everything logs through one pino logger to
 * stderr (src/logging): our own lines, the SDK's (workflow and activity context logs included) and the native core's,
 * which are forwarded instead of printed by the core itself. LOG_LEVEL applies to all of them; the native core's
 * third-party crates (gRPC, HTTP/2) stay at WARN or above, as below it they log every frame.
 */
export function installRuntime(options: RuntimeOptions = {}): void {
  const settings = logSettings(process.env, process.stderr.isTTY === true, options.defaultLogLevel);
  const log = installLogger(settings);
  Runtime.install({
    logger: sdkLogger(log),
    telemetryOptions: {
      logging: { forward: {}, filter: makeTelemetryFilterString({ core: settings.level, other: settings.level === 'ERROR' ? 'ERROR' : 'WARN' }) },
      ...(options.sdkMetricsAddr
        ? {
          metrics: {
            // Names as Prometheus users expect: counters end in _total, durations are seconds with the unit in the name.
            prometheus: { bindAddress: formatListenAddress(options.sdkMetricsAddr), countersTotalSuffix: true, unitSuffix: true, useSecondsForDurations: true },
          },
        }
        : {}),
    },
  });
}

/** Writes out the native core's log lines the runtime still holds (it buffers forwarded lines for 100 ms to order them). */
export function flushRuntimeLogs(): void {
  Runtime.instance().flushLogs();
}
