/**
 * Worker memory, measured the way an operator sees it: `product-etl worker` as its own process, a `sync` of N
 * generated staging rows through Temporal, and the worker's RSS (VmRSS, VmHWM) and CPU time read from /proc every
 * 0.5 s. Test tooling, not a product command.
 *
 *   TEMPORAL_ADDRESS=127.0.0.1:7233 node dist/tools/memory/main.js --rows 200000 [--node-flags "--trace-gc"] [--probe]
 *
 * The database is mysql://root@127.0.0.1:3306/etl_memory_<rows> unless DATABASE_URL says otherwise. Staging is seeded
 * once (seed-demo --truncate, fixed seed) and kept; the sync's own tables are dropped and re-created before each
 * measurement (migrate --rollback-all), so every run does the same work: all N rows are new.
 * Prints one JSON line with the figures; --samples also writes every sample to a file. MariaDB's and the Temporal
 * server's CPU over the same sync are charged per 1000 rows too (the only mariadbd and the only `temporal` process),
 * so the worker's figure can be read against MariaDB's from the same minute (the yardstick of docs/benchmarks.md).
 * --warm-up first runs one unmeasured sync of the same rows in the same worker, as a long-running worker has its hot
 * path compiled.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { findOnlyProcess, meterCpu } from '../../src/bench/processCpu';
import { cpuByThreadName, ProcessSampler, ProcSample } from './procStats';

/** The checkout whose worker is measured: this one, or another (--root), e.g. a checkout of the commit before a change. */
let ROOT = join(__dirname, '..', '..', '..');
const bin = () => join(ROOT, 'bin', 'product-etl.js');
const READY_LINE = 'Worker polling task queue';

interface Cli {
  child: ChildProcess;
  out: () => string;
  exited: Promise<number | null>;
}

function startCli(args: string[], env: NodeJS.ProcessEnv, nodeFlags: string[] = []): Cli {
  const child = spawn(process.execPath, [...nodeFlags, bin(), ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, out: () => out, exited };
}

async function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const c = startCli(args, env);
  const code = await c.exited;
  if (code !== 0) throw new Error(`product-etl ${args.join(' ')} exited ${code}:\n${c.out()}`);
  return c.out();
}

/** The sync's own tables dropped and made again (staging is the DBA's and stays): the next sync finds every row new. */
async function freshSyncTables(env: NodeJS.ProcessEnv): Promise<void> {
  await runCli(['migrate', '--rollback-all', '--yes'], env);
  await runCli(['migrate'], env);
}

async function waitForLine(c: Cli, line: string, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  let ended = false;
  void c.exited.then(() => (ended = true));
  while (!c.out().includes(line)) {
    if (ended) throw new Error(`the worker ended before it polled:\n${c.out()}`);
    if (Date.now() > until) throw new Error(`no "${line}" after ${timeoutMs} ms:\n${c.out()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rows: { type: 'string' },
      'batch-size': { type: 'string', default: '1000' },
      'node-flags': { type: 'string', default: '' },
      probe: { type: 'boolean', default: false },
      samples: { type: 'string' },
      reseed: { type: 'boolean', default: false },
      label: { type: 'string', default: '' },
      'worker-log': { type: 'string' },
      root: { type: 'string' },
      'warm-up': { type: 'boolean', default: false },
    },
  });
  if (values.root) ROOT = values.root;
  const rows = Number(values.rows);
  if (!Number.isInteger(rows) || rows < 1) throw new Error('--rows N is required (a whole number of staging rows)');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: process.env.DATABASE_URL ?? `mysql://root@127.0.0.1:3306/etl_memory_${rows}`,
    PRODUCT_ETL_TASK_QUEUE: `memory-${process.pid}`,
  };

  // Staging once per row count; the sync's own tables afresh each time, so every measurement syncs N new rows.
  const staged = await runCli(['migrate'], env).then(() => stagingCount(env));
  if (values.reseed || staged !== rows) await runCli(['seed-demo', '--rows', String(rows), '--truncate', '--seed', '42'], env);
  await freshSyncTables(env);

  const probeFile = values.probe ? join(ROOT, '.tmp', `memory-probe-${process.pid}.jsonl`) : undefined;
  const nodeFlags = [...values['node-flags'].split(' ').filter(Boolean), ...(probeFile ? ['--require', join(__dirname, 'probe.js')] : [])];
  const startedAt = Date.now();
  const worker = startCli(['worker'], { ...env, ...(probeFile ? { MEMORY_PROBE_FILE: probeFile } : {}) }, nodeFlags);
  const sampler = new ProcessSampler(worker.child.pid as number);
  try {
    await waitForLine(worker, READY_LINE, 120_000);
    const ready = sampler.sample() as ProcSample;
    const startMs = ready.at - startedAt;
    if (values['warm-up']) {
      await runCli(['sync', '--workflow-id', `memory-warm-up-${process.pid}`, '--batch-size', values['batch-size']], env);
      await freshSyncTables(env);
    }
    // Settle a moment: what a worker holds while it waits for work.
    await new Promise((r) => setTimeout(r, 2000));
    const idle = sampler.sample() as ProcSample;
    const threadsIdle = cpuByThreadName(worker.child.pid as number);
    const stopMeter = meterCpu({ mariadb: findOnlyProcess(['mariadbd', 'mysqld']), temporal: findOnlyProcess(['temporal']) });
    const syncStart = Date.now();
    const syncOut = await runCli(['sync', '--workflow-id', `memory-${process.pid}`, '--batch-size', values['batch-size']], env);
    const syncMs = Date.now() - syncStart;
    const others = stopMeter();
    const done = sampler.sample() as ProcSample;
    const threadsDone = cpuByThreadName(worker.child.pid as number);
    await new Promise((r) => setTimeout(r, 3000));
    const after = sampler.sample() as ProcSample;
    const during = sampler.samples.filter((s) => s.at >= syncStart && s.at <= done.at);
    const result = {
      label: values.label,
      root: ROOT,
      rows,
      batchSize: Number(values['batch-size']),
      nodeFlags: values['node-flags'],
      warmUp: values['warm-up'],
      workerStartMs: startMs,
      rssAtStartMb: round(idle.rssMb),
      peakRssMb: round(Math.max(...sampler.samples.map((s) => s.hwmMb))),
      rssAtEndMb: round(done.rssMb),
      rss3sAfterMb: round(after.rssMb),
      syncSec: round(syncMs / 1000),
      rowsPerSec: Math.round(rows / (syncMs / 1000)),
      workerCpuSec: round(done.cpuSec - idle.cpuSec, 2),
      workerCpuMsPer1000Rows: round((done.cpuSec - idle.cpuSec) * 1000 / (rows / 1000)),
      mariadbCpuMsPer1000Rows: others.mariadb === undefined ? null : round(others.mariadb / (rows / 1000)),
      temporalCpuMsPer1000Rows: others.temporal === undefined ? null : round(others.temporal / (rows / 1000)),
      workerDividedByMariadb: others.mariadb ? round((done.cpuSec - idle.cpuSec) * 1000 / others.mariadb, 2) : null,
      workerCpuMsPer1000RowsByThread: Object.fromEntries(
        [...threadsDone]
          .map(([name, sec]): [string, number] => [name, round((sec - (threadsIdle.get(name) ?? 0)) * 1000 / (rows / 1000))])
          .filter(([, ms]) => ms > 0)
          .sort((a, b) => b[1] - a[1]),
      ),
      rssQuartilesDuringMb: quartiles(during.map((s) => s.rssMb)),
      summary: syncOut.trim().split('\n').slice(-12).join(' | ').replace(/\s+/g, ' '),
      probeFile,
    };
    if (values['worker-log']) writeFileSync(values['worker-log'], worker.out());
    if (values.samples) writeFileSync(values.samples, JSON.stringify({ result, samples: sampler.samples.map((s) => ({ ...s, t: s.at - startedAt })) }));
    process.stdout.write(JSON.stringify(result) + '\n');
  } finally {
    sampler.stop();
    worker.child.kill('SIGTERM');
    await worker.exited;
  }
}

function quartiles(xs: number[]): number[] {
  if (xs.length === 0) return [];
  const s = [...xs].sort((a, b) => a - b);
  return [0, 0.25, 0.5, 0.75, 1].map((q) => round(s[Math.min(s.length - 1, Math.floor(q * s.length))]));
}

async function stagingCount(env: NodeJS.ProcessEnv): Promise<number> {
  // The tool reaches the database the same way the product does, through knex (a dev dependency of nothing new).
  const { createKnex } = await import('../../src/db/connection');
  const { parseDatabaseUrl } = await import('../../src/db/databaseUrl');
  const knex = createKnex(parseDatabaseUrl(env.DATABASE_URL));
  try {
    const [rows] = await knex.raw('SELECT COUNT(*) AS n FROM products_staging').catch(() => [[{ n: 0 }]]);
    return Number((rows as Array<{ n: number }>)[0].n);
  } finally {
    await knex.destroy();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`memory: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
