import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { startSync } from '../../src/client';
import { createKnex, ensureDatabase } from '../../src/db/connection';
import { migrateLatest } from '../../src/db/migrate';
import { Rng } from '../../src/demo/stagingGenerator';
import { seedStaging } from '../../src/demo/seedStaging';
import { ConfigError } from '../../src/errors';
import { CLI_WORKFLOW_ID } from '../../src/workflows/definitions';
import { runOracle } from '../oracle/oracle';
import { runFaultLoop } from './faultLoop';
import { FaultContext, Injection, resumeRun } from './faults/context';
import { MainRun, openingRace } from './faults/opening';
import { createSchedule, scheduleTick } from './faults/starts';
import { finishRun } from './finish';
import { OwnMariaDb } from './mariadb';
import { Observer } from './observe';
import { checkOptions, ChaosOptions, planFaults, syncInputOf } from './options';
import { findFreePort, SHARED_PORTS } from './ports';
import { BatchGate } from './gate';
import { ChaosReport, machineDescription } from './report';
import { OwnTemporal } from './temporal';
import { Teardown } from './teardown';
import { readStagingRows } from './verify';
import { faultWorkerScript, WorkerPool } from './workers';

/** Our own server, so the product's default task queue; set explicitly so an inherited value cannot leak in. */
const TASK_QUEUE = 'product-etl';

/**
 * Workers see only the harness's servers: no inherited Temporal profile, API key or TLS.
 * LOG_LEVEL=INFO makes a fenced attempt say so in the worker's log.
 */
function workerEnv(databaseUrl: string, temporalAddress: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(TEMPORAL_|PRODUCT_ETL_TASK_QUEUE$|DATABASE_URL$|LOG_LEVEL$)/.test(k)) env[k] = v;
  return { ...env, DATABASE_URL: databaseUrl, TEMPORAL_ADDRESS: temporalAddress, TEMPORAL_NAMESPACE: 'default', PRODUCT_ETL_TASK_QUEUE: TASK_QUEUE, LOG_LEVEL: 'INFO' };
}

export interface ChaosIo {
  say: (line: string) => void;
}

/**
 * The fault harness: its own MariaDB, Temporal dev server and worker processes; N generated staging rows; the sync
 * run (workflow product-sync) with the planned faults injected at seeded random moments; then every table checked
 * against the oracle. Everything it started is stopped before it returns, whatever happened.
 */
export async function runChaos(options: ChaosOptions, io: ChaosIo): Promise<ChaosReport> {
  checkOptions(options);
  if (!existsSync(faultWorkerScript())) throw new ConfigError(`The fault worker ${faultWorkerScript()} is not built.`, 'Run `npm run build`.');
  const { say } = io;
  const startedAt = Date.now();
  const workDir = options.workDir ?? mkdtempSync(join(tmpdir(), 'product-etl-chaos-'));
  mkdirSync(join(workDir, 'logs'), { recursive: true });
  const teardown = new Teardown(say);
  teardown.install();
  const report: ChaosReport = {
    ok: false, problems: [], date: new Date().toISOString(), machine: machineDescription(), options, durationMs: 0,
    run: { workflowId: '', pipelineRunId: '', status: 'not started', batches: 0, rowsRead: 0, counts: null, expectedCounts: null },
    rows: [], injections: [], workerEvents: [], differences: [], workDir,
  };
  try {
    const mariadb = new OwnMariaDb(join(workDir, 'mariadb'), await findFreePort(3317, { avoid: SHARED_PORTS }));
    say(`MariaDB of the harness's own on 127.0.0.1:${mariadb.port} (datadir ${mariadb.dataDir}) ...`);
    mariadb.install();
    teardown.add('MariaDB', () => mariadb.stop('shutdown'));
    teardown.addPids(() => (mariadb.pid && mariadb.running ? [mariadb.pid] : []));
    await mariadb.start();
    await ensureDatabase(mariadb.settings());
    const knex = createKnex(mariadb.settings(), { poolMax: 4 });
    teardown.add('database pool', () => knex.destroy());
    await migrateLatest(knex);
    const seeded = await seedStaging(knex, { rows: options.rows, seed: options.seed });
    const staging = await readStagingRows(knex);
    say(`Seeded ${seeded.inserted} staging rows (seed ${options.seed}).`);

    const temporalPort = await findFreePort(7333, { avoid: SHARED_PORTS, companionOffset: 1000 });
    const temporal = new OwnTemporal(workDir, temporalPort, temporalPort + 1000);
    teardown.add('Temporal dev server', () => temporal.stop(() => undefined));
    teardown.addPids(() => (temporal.pid ? [temporal.pid] : []));
    await temporal.start(say);
    const connection = await Connection.connect({ address: temporal.address, connectTimeout: 10_000 });
    // Not on a signal: the harness's own calls may still be retrying on it, and the process exits anyway.
    teardown.add('Temporal client', () => connection.close(), { skipOnSignal: true });
    const client = new Client({ connection, namespace: 'default' });

    const pool = new WorkerPool({ env: workerEnv(mariadb.url(), temporal.address), logDir: join(workDir, 'logs'), normalCount: options.workers, say });
    teardown.add('workers', () => pool.stopAll());
    teardown.addPids(() => pool.pids());
    say(`Starting ${options.workers} workers (node bin/product-etl.js worker) ...`);
    await pool.startNormalWorkers();
    if (pool.live('normal').length === 0) {
      throw new Error(`no worker came up; see the logs in ${join(workDir, 'logs')}:\n${pool.logOf(pool.all()[0]).slice(-1500)}`);
    }

    const opening: Injection[] = [];
    let main: MainRun;
    if (options.concurrentStarts > 0) {
      const race = await openingRace(client, TASK_QUEUE, syncInputOf(options));
      main = race.main;
      opening.push(...race.injections);
    } else {
      const handle = await startSync(client, TASK_QUEUE, syncInputOf(options), CLI_WORKFLOW_ID);
      main = { workflowId: handle.workflowId, pipelineRunId: handle.firstExecutionRunId };
    }
    Object.assign(report.run, main);
    say(`Run ${main.workflowId} (run ${main.pipelineRunId}) started; injecting faults.`);
    const observer = new Observer(client, knex);
    const gate = new BatchGate(mariadb.settings());
    teardown.add('batch gate', () => gate.open());
    const ctx: FaultContext = {
      say, rng: new Rng(options.seed), pool, observer, knex, mariadb, temporal, client, gate, taskQueue: TASK_QUEUE, batchSize: options.batchSize, partitions: options.partitions,
      main, startedAt, ordinal: 0,
      runOpen: async () => (await observer.status(main.workflowId)) === 'RUNNING',
    };
    if (options.concurrentStarts > 0) {
      await createSchedule(client, TASK_QUEUE, syncInputOf(options));
      opening.push(await scheduleTick(ctx));
    }
    for (const i of opening) say(`  ${i.kind}: ${i.detail} | ${i.observed.join(' | ')}`);
    if (options.concurrentStarts > 0) await resumeRun(ctx);
    const loop = await runFaultLoop(ctx, planFaults(options, ctx.rng), staging, runOracle);
    report.injections = [...opening, ...loop.injections];
    report.problems.push(...loop.problems);
    await finishRun(ctx, report, staging, runOracle, loop.prefixDifferences);
    report.workerEvents = pool.events;
  } catch (err) {
    report.problems.push(`the harness failed: ${(err as Error).stack ?? String(err)}`);
  } finally {
    say('Stopping workers, Temporal and MariaDB ...');
    await teardown.run();
    report.durationMs = Date.now() - startedAt;
    report.ok = report.problems.length === 0;
    if (report.ok && !options.keep && !options.workDir) {
      rmSync(workDir, { recursive: true, force: true });
      report.workDir = '';
    }
  }
  return report;
}
