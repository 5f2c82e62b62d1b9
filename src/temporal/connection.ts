import type { Client } from '@temporalio/client';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import type { NativeConnection } from '@temporalio/worker';
import { ConfigError, TemporalUnavailableError } from '../errors';

export const DEFAULT_TASK_QUEUE = 'product-etl';

export interface TemporalSettings {
  connectionOptions: ReturnType<typeof loadClientConnectConfig>['connectionOptions'];
  address: string;
  namespace: string;
  taskQueue: string;
}

/**
 * Temporal settings the way every Temporal tool reads them (@temporalio/envconfig): TEMPORAL_ADDRESS,
 * TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS_* or a TEMPORAL_PROFILE from the config file.
 * PRODUCT_ETL_TASK_QUEUE overrides the task queue (tests use their own).
 */
export function loadTemporalSettings(env: NodeJS.ProcessEnv = process.env): TemporalSettings {
  const { connectionOptions, namespace } = loadClientConnectConfig({
    overrideEnvVars: Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined)),
  });
  const address = connectionOptions.address ?? 'localhost:7233';
  return {
    connectionOptions: { ...connectionOptions, address },
    address,
    namespace: namespace ?? 'default',
    taskQueue: env.PRODUCT_ETL_TASK_QUEUE ?? DEFAULT_TASK_QUEUE,
  };
}

function unavailable(settings: TemporalSettings, err: unknown): TemporalUnavailableError {
  return new TemporalUnavailableError(
    `Cannot reach the Temporal server at ${settings.address} (namespace ${settings.namespace}).`,
    'Start one with `npx product-etl dev-server start`, or set TEMPORAL_ADDRESS / TEMPORAL_NAMESPACE (and TEMPORAL_TLS_* or TEMPORAL_API_KEY) for an existing cluster.',
    { cause: err },
  );
}

/**
 * Temporal addresses are host:port, without a scheme; gRPC would try to resolve "http" as a host name and the user
 * would read "Cannot reach the Temporal server", which sends them looking for a server that is up.
 */
export function checkAddress(address: string): void {
  const m = /^([a-z][a-z0-9+.-]*):\/\/(.*)$/i.exec(address.trim());
  if (!m) return;
  const [, scheme, rest] = m;
  const hostPort = rest.replace(/\/+$/, '');
  throw new ConfigError(
    `The Temporal address "${address}" has a scheme (${scheme}://): Temporal addresses are host:port, e.g. ${hostPort || '127.0.0.1:7233'}.`,
    `Set TEMPORAL_ADDRESS=${hostPort || '127.0.0.1:7233'}${scheme.toLowerCase() === 'https' ? ' and turn TLS on with TEMPORAL_TLS=true (or TEMPORAL_TLS_* / TEMPORAL_API_KEY)' : ''}.`,
  );
}

export async function connectClient(settings: TemporalSettings = loadTemporalSettings()): Promise<Client> {
  checkAddress(settings.address);
  // Loaded on first connect: a command that only reads the database (migrate, rejects) does without gRPC.
  const { Client, Connection } = await import('@temporalio/client');
  try {
    const connection = await Connection.connect({ ...settings.connectionOptions, connectTimeout: 5_000 } as Parameters<typeof Connection.connect>[0]);
    return new Client({ connection, namespace: settings.namespace });
  } catch (err) {
    throw unavailable(settings, err);
  }
}

export async function connectWorkerConnection(settings: TemporalSettings = loadTemporalSettings()): Promise<NativeConnection> {
  checkAddress(settings.address);
  // Loaded here, not at the top: @temporalio/worker (its native bridge, webpack) costs a command that only talks to
  // Temporal through the client most of its start-up time (docs/operations.md, "Start time and CLI latency").
  const { NativeConnection } = await import('@temporalio/worker');
  try {
    return await NativeConnection.connect(settings.connectionOptions);
  } catch (err) {
    throw unavailable(settings, err);
  }
}
