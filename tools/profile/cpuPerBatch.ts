/**
 * CPU per 1000 staging rows of the batch activity, without Temporal: the worker's own CPU (process.cpuUsage, all
 * threads) and MariaDB's (/proc/<mariadbd>/stat), over a number of warm batches. Run it under `node --cpu-prof` to
 * see where the worker's part goes (tools/profile/summarizeProfile.ts reads the profile).
 *
 *   npm run build && node dist/tools/profile/cpuPerBatch.js [--rows 60000] [--batch-size 1000] [--warm 10]
 *     [--batches 50] [--repeat 3] [--database NAME] [--keep] [--no-read-ahead] [--heap-profile FILE]
 *
 * Each repetition empties the target tables and syncs the same staging rows from the start, so every repetition does
 * the same work (the same inserts, updates and rejects). Only batches after the warm-up ones are measured.
 * Test tooling: it creates and drops a database of its own on DATABASE_URL's server (default the local MariaDB).
 *
 * `--heap-profile FILE` also samples what the measured batches of the first repetition allocate (V8's sampling heap
 * profiler, objects already collected included, so short-lived garbage counts too) and writes the profile to FILE,
 * for tools/profile/summarizeHeapProfile.ts. A batch pays for its allocation in young-generation collections
 * (docs/benchmarks.md, 2026-12-05 night). The sampling slows the batches: take CPU figures from a run without it.
 */
import { readFileSync } from 'node:fs';
import { startHeapSampling } from './heapSampling';
import type { Knex } from 'knex';
import { createActivities } from '../../src/activities';
import { silentLogger } from '../../src/activities/logger';
import { createKnex, dropDatabase, ensureDatabase } from '../../src/db/connection';
import { parseDatabaseUrl, withDatabase } from '../../src/db/databaseUrl';
import { migrateLatest } from '../../src/db/migrate';
import { BATCH_LOG_TABLE, CHANGE_LOG_TABLE, PRODUCTS_TABLE, REJECT_TABLE, RUN_LOCK_TABLE, STAGING_TABLE, WATERMARK_TABLE } from '../../src/db/tables';
import { seedStaging } from '../../src/demo/seedStaging';
import { addCounts, zeroCounts } from '../../src/domain/outcome';
import { PIPELINE_NAME } from '../../src/shared/pipeline';

interface Options {
  rows: number;
  batchSize: number;
  warm: number;
  batches: number;
  repeat: number;
  database: string;
  keep: boolean;
  readAhead: boolean;
  heapProfile: string | undefined;
}

function parseArgs(argv: string[]): Options {
  const o: Options = { rows: 60_000, batchSize: 1000, warm: 10, batches: 50, repeat: 3, database: `pe_cpuprof_${process.pid}`, keep: false, readAhead: true, heapProfile: undefined };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    const whole = () => {
      const n = Number(value());
      if (!Number.isInteger(n) || n < 0) throw new Error(`${flag} takes a whole number`);
      return n;
    };
    if (flag === '--rows') o.rows = whole();
    else if (flag === '--batch-size') o.batchSize = whole();
    else if (flag === '--warm') o.warm = whole();
    else if (flag === '--batches') o.batches = whole();
    else if (flag === '--repeat') o.repeat = whole();
    else if (flag === '--database') o.database = value();
    else if (flag === '--keep') o.keep = true;
    else if (flag === '--no-read-ahead') o.readAhead = false;
    else if (flag === '--heap-profile') o.heapProfile = value();
    else throw new Error(`unknown option ${flag}`);
  }
  if ((o.warm + o.batches) * o.batchSize > o.rows) throw new Error(`--rows ${o.rows} is fewer than (warm + batches) x batch size`);
  return o;
}

/** The pid of the server this connection talks to, from its pid file; undefined when that is not on this host. */
async function serverPid(knex: Knex): Promise<number | undefined> {
  const [[{ f }]] = (await knex.raw('SELECT @@pid_file AS f')) as [[{ f: string }]];
  try {
    const pid = Number(readFileSync(f, 'utf8').trim());
    return ['mariadbd', 'mysqld'].includes(readFileSync(`/proc/${pid}/comm`, 'utf8').trim()) ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** utime + stime of a process, in ms (fields 14 and 15 of /proc/<pid>/stat, in clock ticks of 10 ms). */
function processCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

const TARGETS = [PRODUCTS_TABLE, CHANGE_LOG_TABLE, REJECT_TABLE, WATERMARK_TABLE, BATCH_LOG_TABLE, RUN_LOCK_TABLE];

async function oneRepetition(knex: Knex, o: Options, rep: number, mariadb: number | undefined) {
  for (const t of TARGETS) await knex.raw(`TRUNCATE TABLE ${t}`);
  const acts = createActivities({ knex, logger: silentLogger, config: { pipeline: PIPELINE_NAME, readAhead: o.readAhead } });
  const runId = `cpuprof-${process.pid}-${rep}`;
  const owner = { workflowId: `direct-${runId}`, pipelineRunId: runId };
  const plan = await acts.beginRun({ ...owner, resume: true, dryRun: false, lookbackSeconds: 0 });
  if (!plan.end) throw new Error('staging is empty');
  let from = plan.start;
  let counts = zeroCounts();
  let rows = 0;
  let cpu = process.cpuUsage();
  let db = mariadb ? processCpuMs(mariadb) : 0;
  let wall = performance.now();
  let sampling: Awaited<ReturnType<typeof startHeapSampling>> | undefined;
  for (let b = 0; b < o.warm + o.batches; b++) {
    if (b === o.warm) {
      if (o.heapProfile && rep === 1) sampling = await startHeapSampling();
      cpu = process.cpuUsage();
      db = mariadb ? processCpuMs(mariadb) : 0;
      wall = performance.now();
    }
    const r = await acts.applyBatch({ ...owner, runId, from, end: plan.end, batchSize: o.batchSize, dryRun: false });
    if (b >= o.warm) {
      rows += r.rowsRead;
      counts = addCounts(counts, r.counts);
    }
    from = r.to;
    if (r.done && b < o.warm + o.batches - 1) throw new Error(`the run ended after ${b + 1} batches; seed more rows`);
  }
  const used = process.cpuUsage(cpu);
  if (sampling && o.heapProfile) {
    const bytes = await sampling.stopAndWrite(o.heapProfile);
    process.stdout.write(`heap profile of repetition ${rep}: ${(bytes / 1024 / 1024 / (rows / 1000)).toFixed(1)} MB allocated per 1000 rows (sampled), written to ${o.heapProfile}\n`);
  }
  const per1000 = (ms: number) => (ms * 1000) / rows;
  return {
    workerMs: per1000((used.user + used.system) / 1000),
    mariadbMs: mariadb ? per1000(processCpuMs(mariadb) - db) : NaN,
    wallMs: per1000(performance.now() - wall),
    rows,
    counts,
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const settings = withDatabase(parseDatabaseUrl(), o.database);
  await ensureDatabase(settings);
  const knex = createKnex(settings);
  try {
    await migrateLatest(knex);
    const [[{ n }]] = (await knex.raw(`SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = '${STAGING_TABLE}'`)) as [[{ n: number }]];
    const [[{ c: rows }]] = Number(n) > 0 ? ((await knex.raw(`SELECT COUNT(*) AS c FROM ${STAGING_TABLE}`)) as [[{ c: number }]]) : [[{ c: 0 }]];
    if (Number(rows) !== o.rows) {
      process.stderr.write(`seeding ${o.rows} staging rows into ${o.database} ...\n`);
      await seedStaging(knex, { rows: o.rows, truncate: true });
    }
    const mariadb = await serverPid(knex);
    const results = [];
    for (let rep = 1; rep <= o.repeat; rep++) {
      const r = await oneRepetition(knex, o, rep, mariadb);
      results.push(r);
      process.stdout.write(
        `repetition ${rep}: ${r.rows} rows in ${o.batches} batches of ${o.batchSize}; per 1000 rows: worker CPU ${r.workerMs.toFixed(1)} ms, ` +
          `MariaDB CPU ${r.mariadbMs.toFixed(1)} ms, wall ${r.wallMs.toFixed(1)} ms; ${JSON.stringify(r.counts)}\n`,
      );
    }
    process.stdout.write(
      `median of ${o.repeat}: worker CPU ${median(results.map((r) => r.workerMs)).toFixed(1)} ms, MariaDB CPU ${median(results.map((r) => r.mariadbMs)).toFixed(1)} ms, ` +
        `wall ${median(results.map((r) => r.wallMs)).toFixed(1)} ms per 1000 rows (MariaDB pid ${mariadb ?? 'not found'}; its CPU includes every other client of that server)\n`,
    );
  } finally {
    await knex.destroy();
    if (!o.keep) await dropDatabase(settings);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`cpuPerBatch: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
