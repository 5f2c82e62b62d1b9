import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker, WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { Knex } from 'knex';
import { silentLogger } from '../../src/activities/logger';
import { ensureSearchAttributes } from '../../src/temporal/ensureSearchAttributes';
import { createWorker, CreateWorkerOptions, WORKFLOW_INTERCEPTOR_MODULES } from '../../src/worker';

// Warnings and errors only: worker state chatter would drown the test output. Installed once per process.
try {
  Runtime.install({ logger: new DefaultLogger('WARN') });
} catch {
  /* already installed by an earlier test file in this process */
}

export const TEMPORAL_ADDRESS = process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233';
export const NAMESPACE = process.env.TEMPORAL_NAMESPACE ?? 'default';

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
/** Bundled once per test file: the same code (workflows and interceptors) the worker would bundle from src/workflows. */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({ workflowsPath: require.resolve('../../src/workflows'), workflowInterceptorModules: [...WORKFLOW_INTERCEPTOR_MODULES], logger: { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} } as never });
  return bundle;
}

export async function connectTestClient(): Promise<Client> {
  try {
    const connection = await Connection.connect({ address: TEMPORAL_ADDRESS, connectTimeout: 5000 });
    return new Client({ connection, namespace: NAMESPACE });
  } catch (err) {
    throw new Error(`No Temporal server at ${TEMPORAL_ADDRESS}: run the tests with \`npm test\`, which starts one (or set TEMPORAL_ADDRESS). ${(err as Error).message}`);
  }
}

export interface TestWorker {
  client: Client;
  taskQueue: string;
  worker: Worker;
  stop(): Promise<void>;
}

/** A real worker on a task queue of the test's own, with activities bound to the test's database. */
export async function startTestWorker(knex: Knex, opts: { client?: Client; taskQueue?: string; activityConfig?: CreateWorkerOptions['activityConfig']; metrics?: CreateWorkerOptions['metrics']; hooks?: CreateWorkerOptions['hooks']; connection?: NativeConnection } = {}): Promise<TestWorker> {
  const client = opts.client ?? (await connectTestClient());
  await ensureSearchAttributes(client, NAMESPACE);
  const taskQueue = opts.taskQueue ?? `pe-test-${randomBytes(4).toString('hex')}`;
  const connection = opts.connection ?? (await NativeConnection.connect({ address: TEMPORAL_ADDRESS }));
  const worker = await createWorker({ connection, namespace: NAMESPACE, taskQueue, knex, client, logger: silentLogger, workflowBundle: await workflowBundle(), activityConfig: opts.activityConfig, metrics: opts.metrics, hooks: opts.hooks });
  const running = worker.run();
  return {
    client,
    taskQueue,
    worker,
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      if (!opts.connection) await connection.close();
      if (!opts.client) await client.connection.close();
    },
  };
}

export const uniqueId = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;
