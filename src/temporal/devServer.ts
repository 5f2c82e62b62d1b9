import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Connection } from '@temporalio/client';
import { UserFacingError } from '../errors';
import { findOrInstallTemporalCli } from './cliBinary';
import { SEARCH_ATTRIBUTES } from './searchAttributes';

export interface DevServerOptions {
  /** Folder for the state file, pid file and log; default `.data/temporal` under the current directory. */
  dataDir: string;
  ip: string;
  port: number;
  uiPort: number;
  namespace: string;
  /** Extra `--dynamic-config-value KEY=VALUE` pairs, e.g. to lower the continue-as-new suggestion in tests. */
  dynamicConfig: string[];
  /** How long `start` waits for the server to answer before it stops it and fails; DEV_SERVER_START_TIMEOUT_MS. */
  startTimeoutMs: number;
}

/**
 * A warm start takes about 3 s, but the first start on a new machine, right after the CLI was built, took over 60 s
 * once (2026-12-04: the server came up some seconds after a 60 s wait had given up, and was left running with no
 * state file, so `dev-server stop` could not stop it). Three minutes covers that with room to spare.
 */
export const DEV_SERVER_START_TIMEOUT_MS = 180_000;

/** How often a start that is taking long says it is still waiting. */
const START_PROGRESS_EVERY_MS = 15_000;

export function defaultDevServerOptions(overrides: Partial<DevServerOptions> = {}): DevServerOptions {
  const port = overrides.port ?? Number(process.env.PRODUCT_ETL_DEV_SERVER_PORT ?? 7233);
  return {
    dataDir: resolve(overrides.dataDir ?? process.env.PRODUCT_ETL_DATA_DIR ?? join(process.cwd(), '.data'), 'temporal'),
    ip: overrides.ip ?? '127.0.0.1',
    port,
    uiPort: overrides.uiPort ?? port + 1000,
    namespace: overrides.namespace ?? 'default',
    dynamicConfig: overrides.dynamicConfig ?? [],
    startTimeoutMs: overrides.startTimeoutMs ?? DEV_SERVER_START_TIMEOUT_MS,
  };
}

interface StateFile {
  pid: number;
  address: string;
  uiUrl: string;
  dbFile: string;
  logFile: string;
  startedAt: string;
}

export interface DevServerStatus {
  running: boolean;
  /** Started by `product-etl dev-server start` (we own it) or found answering on the port. */
  ownedBy: 'product-etl' | 'someone else' | 'nobody';
  address: string;
  uiUrl: string;
  pid?: number;
  logFile?: string;
  dbFile?: string;
}

const stateFilePath = (o: DevServerOptions) => join(o.dataDir, 'dev-server.json');

function readState(o: DevServerOptions): StateFile | undefined {
  try {
    return JSON.parse(readFileSync(stateFilePath(o), 'utf8')) as StateFile;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A real gRPC health check, not just an open port. */
export async function temporalAnswers(address: string, timeoutMs = 1500): Promise<boolean> {
  // The gRPC client is loaded here, when a server is asked, not when the command line starts.
  const { Connection } = await import('@temporalio/client');
  let conn: Connection | undefined;
  try {
    conn = await Connection.connect({ address, connectTimeout: timeoutMs });
    await conn.workflowService.getSystemInfo({}, );
    return true;
  } catch {
    return false;
  } finally {
    await conn?.close().catch(() => undefined);
  }
}

export async function devServerStatus(o: DevServerOptions): Promise<DevServerStatus> {
  const address = `${o.ip}:${o.port}`;
  const uiUrl = `http://localhost:${o.uiPort}`;
  const state = readState(o);
  const answering = await temporalAnswers(address);
  if (state && alive(state.pid)) {
    return { running: answering, ownedBy: 'product-etl', address, uiUrl, pid: state.pid, logFile: state.logFile, dbFile: state.dbFile };
  }
  return { running: answering, ownedBy: answering ? 'someone else' : 'nobody', address, uiUrl };
}

/** Polls `check` until it holds or the time is up; `check` is told the ms left (0 or less on the last call, at the deadline). */
async function waitUntil(check: (leftMs: number) => Promise<boolean> | boolean, timeoutMs: number, intervalMs = 250): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check(deadline - Date.now())) return true;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  return check(deadline - Date.now());
}

/**
 * Dynamic config every dev server of ours gets. Eager activity dispatch (off by default in the server): the next batch
 * comes back in the server's reply to the workflow task that scheduled it, instead of through the task queue, which on
 * this server cost about 40 ms of every 1000-row batch (docs/benchmarks.md, 2026-12-04 evening). A cluster needs the
 * same setting for the same gain (docs/operations.md, Temporal settings); without it the sync is as correct, only
 * slower.
 */
export const DEV_SERVER_DYNAMIC_CONFIG: readonly string[] = ['system.enableActivityEagerExecution=true'];

/**
 * How the dev server keeps its SQLite store: a write-ahead log, synced at checkpoints rather than at every commit.
 * SQLite's defaults (a rollback journal, a full sync per commit) made each of a batch's history writes create, sync and
 * delete a journal file: the server's CPU per 1000 rows fell from 17 to 12-13 ms with these, and the sync's rate rose
 * 4-13 % (docs/benchmarks.md, 2026-12-05 morning). A commit still reaches the operating system before the server
 * answers, so a killed or crashed server loses nothing (the chaos harness's Temporal restart stops it with SIGTERM); only a power cut of the
 * machine could take back its last commits, which for a development server is a fair price.
 */
export const DEV_SERVER_SQLITE_PRAGMAS: readonly string[] = ['journal_mode=wal', 'synchronous=normal'];

/** The `temporal` command line of a dev server with these options, keeping its state in `dbFile`. */
export function devServerArgs(o: DevServerOptions, dbFile: string): string[] {
  return [
    'server', 'start-dev',
    '--ip', o.ip, '--port', String(o.port), '--ui-port', String(o.uiPort),
    '--namespace', o.namespace,
    '--db-filename', dbFile,
    ...DEV_SERVER_SQLITE_PRAGMAS.flatMap((p) => ['--sqlite-pragma', p]),
    '--log-level', 'warn',
    ...SEARCH_ATTRIBUTES.flatMap((a) => ['--search-attribute', `${a.name}=${a.cliType}`]),
    ...withDefaultDynamicConfig(o.dynamicConfig).flatMap((kv) => ['--dynamic-config-value', kv]),
  ];
}

function keyOf(kv: string): string {
  const i = kv.indexOf('=');
  return i < 0 ? kv : kv.slice(0, i);
}

/** DEV_SERVER_DYNAMIC_CONFIG with the caller's values added; a caller's value for one of its keys replaces ours. */
export function withDefaultDynamicConfig(given: readonly string[]): string[] {
  const keys = new Set(given.map(keyOf));
  return [...DEV_SERVER_DYNAMIC_CONFIG.filter((kv) => !keys.has(keyOf(kv))), ...given];
}

/**
 * Starts `temporal server start-dev` in the background with persistent state and our search attributes, and waits
 * until it answers. A server already answering on the port is reused, whoever started it.
 */
export async function startDevServer(o: DevServerOptions, say: (l: string) => void = (l) => console.error(l)): Promise<DevServerStatus> {
  const before = await devServerStatus(o);
  if (before.running) {
    say(before.ownedBy === 'product-etl'
      ? `Temporal dev server already running (pid ${before.pid}) at ${before.address}; UI ${before.uiUrl}`
      : `A Temporal server already answers at ${before.address} (not started by product-etl); using it.`);
    return before;
  }
  const cli = await findOrInstallTemporalCli(say);
  mkdirSync(o.dataDir, { recursive: true });
  const dbFile = join(o.dataDir, 'temporal.db');
  const logFile = join(o.dataDir, 'dev-server.log');
  const args = devServerArgs(o, dbFile);
  const logFd = openSync(logFile, 'a');
  const child = spawn(cli.path, args, { detached: true, stdio: ['ignore', logFd, logFd] });
  child.unref();
  if (!child.pid) throw new UserFacingError(`Could not start ${cli.path}`, `See ${logFile}.`);
  const state: StateFile = { pid: child.pid, address: `${o.ip}:${o.port}`, uiUrl: `http://localhost:${o.uiPort}`, dbFile, logFile, startedAt: new Date().toISOString() };
  writeFileSync(stateFilePath(o), JSON.stringify(state, null, 2));
  say(`Starting Temporal dev server (pid ${child.pid}) at ${state.address}, state in ${dbFile} ...`);
  const pid = child.pid;
  const startedAt = Date.now();
  let nextProgress = startedAt + START_PROGRESS_EVERY_MS;
  const up = await waitUntil(async (leftMs) => {
    if (!alive(pid)) return true;
    // Each health check gets at most the time left, so the wait ends at the deadline, not a check later.
    if (leftMs <= 0) return false;
    if (await temporalAnswers(state.address, Math.min(1500, leftMs))) return true;
    if (Date.now() >= nextProgress) {
      say(`  ... waiting for the Temporal dev server to answer (${Math.round((Date.now() - startedAt) / 1000)}s; log: ${logFile})`);
      nextProgress += START_PROGRESS_EVERY_MS;
    }
    return false;
  }, o.startTimeoutMs, 300);
  if (!up || !alive(pid)) {
    // A server that did not answer in time is stopped, not left behind: with its state file gone, nothing else
    // would know to stop it, and it would hold the port for the next attempt.
    const what = alive(pid)
      ? `did not answer at ${state.address} within ${Math.round(o.startTimeoutMs / 1000)}s (${await killAndWait(pid)})`
      : `exited before it answered at ${state.address}`;
    rmSync(stateFilePath(o), { force: true });
    const tail = existsSync(logFile) ? readFileSync(logFile, 'utf8').split('\n').slice(-15).join('\n') : '';
    throw new UserFacingError(
      `The Temporal dev server ${what}.`,
      `Start it again (a first start on a new machine can be slow), or start a Temporal server yourself and set TEMPORAL_ADDRESS. Last lines of ${logFile}:\n${tail}`,
    );
  }
  say(`Temporal dev server is up at ${state.address}; Web UI at ${state.uiUrl}`);
  return devServerStatus(o);
}

/** SIGTERM, and SIGKILL when the process has not exited 20 s later; says which it took. */
async function killAndWait(pid: number): Promise<string> {
  process.kill(pid, 'SIGTERM');
  if (await waitUntil(() => !alive(pid), 20_000, 200)) return 'it was stopped';
  process.kill(pid, 'SIGKILL');
  await waitUntil(() => !alive(pid), 5_000, 100);
  return 'it was killed';
}

/** Stops only a server that `startDevServer` started (per its pid file). */
export async function stopDevServer(o: DevServerOptions, say: (l: string) => void = (l) => console.error(l)): Promise<boolean> {
  const state = readState(o);
  if (!state || !alive(state.pid)) {
    rmSync(stateFilePath(o), { force: true });
    say('No Temporal dev server started by product-etl is running here.');
    return false;
  }
  await killAndWait(state.pid);
  rmSync(stateFilePath(o), { force: true });
  say(`Stopped the Temporal dev server (pid ${state.pid}).`);
  return true;
}
