import { BATCH_LOG_TABLE, CHANGE_LOG_TABLE, PRODUCTS_TABLE, REJECT_TABLE, RUN_LOCK_TABLE, WATERMARK_TABLE, WINDOW_PARTITION_TABLE, WINDOW_TABLE } from '../../db/tables';
import { formatCount } from '../../shared/format';
import { DEFAULT_BATCH_SIZE, MAX_BATCH_SIZE, MIN_BATCH_SIZE } from '../../shared/batchSize';
import { cpus, totalmem } from 'node:os';
import { Command } from '@commander-js/extra-typings';
import type { Knex } from 'knex';
import { startExtraWorkers, workerNodeFlags } from '../../bench/extraWorkers';
import { findOnlyProcess, meterCpu } from '../../bench/processCpu';
import { MAX_PARTITIONS, MIN_PARTITIONS } from '../../shared/partitions';
import { runReferenceUpsert } from '../../bench/referenceSql';
import { describeDatabase, parseDatabaseUrl, withDatabase } from '../../db/databaseUrl';
import { migrateLatest } from '../../db/migrate';
import { seedStaging } from '../../demo/seedStaging';
import { loadTemporalSettings } from '../../temporal/connection';
import { act, AddCommand, OptionsOf, wholeNumberArg } from '../command';
import { openDatabase } from '../context';
import { followToSummary } from '../follow';
import { print, say } from '../output';
import { withInProcessWorker } from '../withWorker';

const TARGET_TABLES = [PRODUCTS_TABLE, CHANGE_LOG_TABLE, REJECT_TABLE, WATERMARK_TABLE, BATCH_LOG_TABLE, RUN_LOCK_TABLE, WINDOW_TABLE, WINDOW_PARTITION_TABLE];

async function truncateTargets(knex: Knex): Promise<void> {
  for (const t of TARGET_TABLES) await knex.raw(`TRUNCATE TABLE ${t}`);
}

/**
 * The reference statement run `runs` times on emptied targets, each doing the same work; the median time stands for
 * it. On a 2-core machine shared with the worker's leftovers one run took 7.4 to 9.6 s for the same 200,000 rows
 * (2026-12-04), which moved the ratio by as much as any setting of the sync did.
 */
async function referenceMedian(knex: Knex, runs: number): Promise<{ rows: number; elapsedMs: number; runsMs: number[] }> {
  const runsMs: number[] = [];
  let rows: number | undefined;
  for (let i = 0; i < runs; i++) {
    await truncateTargets(knex);
    const r = await runReferenceUpsert(knex);
    if (rows !== undefined && r.rows !== rows) throw new Error(`reference run ${i + 1} fed ${r.rows} rows, run 1 fed ${rows}`);
    rows = r.rows;
    runsMs.push(r.elapsedMs);
  }
  const sorted = [...runsMs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const elapsedMs = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { rows: rows ?? 0, elapsedMs, runsMs };
}

const cpuMs = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000;
const rate = (rows: number, ms: number) => Math.round((rows * 1000) / ms);
const fmt = formatCount;

const define = (program: Command) =>
  program
    .command('bench')
    .description('benchmark the sync against one INSERT ... SELECT statement (docs/benchmarks.md)')
    .option('--rows <n>', 'generated staging rows', wholeNumberArg('rows', 1, 10_000_000), 100_000)
    .option('--limit <n>', 'batch size', wholeNumberArg('limit', MIN_BATCH_SIZE, MAX_BATCH_SIZE), DEFAULT_BATCH_SIZE)
    .option('--partitions <k>', 'partitions per window of the sync (docs/scaling.md)', wholeNumberArg('partitions', MIN_PARTITIONS, MAX_PARTITIONS), 1)
    .option('--workers <n>', 'worker processes: this one, and n - 1 started as `product-etl worker`', wholeNumberArg('workers', 1, 8), 1)
    .option('--mariadb-pid <pid>', 'charge this process as MariaDB (default: the only mariadbd or mysqld)', wholeNumberArg('mariadb-pid', 1, 2 ** 22))
    .option('--temporal-pid <pid>', 'charge this process as the Temporal server (default: the only `temporal` process)', wholeNumberArg('temporal-pid', 1, 2 ** 22))
    .option('--reference-runs <n>', 'runs of the reference statement; the ratio uses their median (one run moved it by a third)', wholeNumberArg('reference-runs', 1, 9), 3)
    .option('--warm-up', 'first call the same batches directly once, unmeasured, so that both measured runs find the hot path compiled (as in a long-running worker)')
    .option('--no-direct', 'skip the run of the same batches without Temporal (it doubles the benchmark\'s time)')
    .option('--keep', 'keep the benchmark database <db>_bench afterwards');

export const addBenchCommand: AddCommand = (program, exit) => {
  define(program).action(act(exit, bench));
};

/**
 * `bench`: measures the sync against the reference limit of this database: N generated staging rows in a database of the
 * benchmark's own (<db>_bench, dropped afterwards unless --keep), a full sync through Temporal at the given batch
 * size, then the same rows through one INSERT ... SELECT ... ON DUPLICATE KEY UPDATE.
 */
async function bench({ rows, limit: batchSize, keep, partitions, workers, mariadbPid, temporalPid, direct: runDirect, referenceRuns, warmUp }: OptionsOf<typeof define>): Promise<number> {
  const base = parseDatabaseUrl();
  const settingsDb = withDatabase(base, `${base.database}_bench`.slice(0, 64));
  const temporal = { ...loadTemporalSettings(), taskQueue: `product-etl-bench-${process.pid}` };
  // Loaded when the benchmark runs, not when the command line is parsed (docs/operations.md, "Start time and CLI latency").
  const [{ SyncClient }, { runBatchesDirectly }, { dropDatabase, ensureDatabase }] = await Promise.all([
    import('../../client/syncClient'), import('../../bench/directRun'), import('../../db/connection'),
  ]);
  await dropDatabase(settingsDb);
  await ensureDatabase(settingsDb);
  const { knex } = await openDatabase(settingsDb);
  const client = await SyncClient.connect(temporal);
  try {
    await migrateLatest(knex);
    say(`Seeding ${fmt(rows)} staging rows into ${describeDatabase(settingsDb)} ...`);
    const seeded = await seedStaging(knex, { rows });
    say(`  seeded in ${(seeded.elapsedMs / 1000).toFixed(1)}s`);

    if (warmUp) {
      // Whichever measured run came first paid for compiling the hot path: 1.7 s more CPU in the product's own code for
      // the same 200 batches in one profile (docs/benchmarks.md, 2026-12-04 night). A worker that runs for days is warm.
      say('Warm-up: the same batches called directly once (not measured) ...');
      await runBatchesDirectly(knex, { batchSize, runId: `bench-warmup-${process.pid}` });
      await truncateTargets(knex);
    }
    say(`Sync through Temporal (${temporal.address}), batch size ${batchSize}, ${partitions} partition(s) per window, ${workers} worker process(es) ...`);
    const extra = workers > 1 ? await startExtraWorkers(workers - 1, { database: settingsDb.database, taskQueue: temporal.taskQueue }) : undefined;
    const others: Record<string, number | undefined> = {
      mariadb: mariadbPid ?? findOnlyProcess(['mariadbd', 'mysqld']),
      temporal: temporalPid ?? findOnlyProcess(['temporal']),
      ...Object.fromEntries((extra?.pids ?? []).map((pid, i) => [`worker ${i + 2}`, pid])),
    };
    let otherCpu: Record<string, number | undefined> = {};
    // Timed from the start of the workflow to its result: the worker's start-up (loading the workflow bundle) is
    // a once-per-process cost and is reported apart.
    const workerStarted = performance.now();
    let started = 0;
    let cpuAtStart = process.cpuUsage();
    const summary = await withInProcessWorker(temporal, knex, client.temporal, async () => {
      started = performance.now();
      cpuAtStart = process.cpuUsage();
      const stopMeter = meterCpu(others);
      const handle = await client.start({ batchSize, ...(partitions > 1 ? { partitions } : {}) }, `product-sync-bench-${process.pid}`);
      const done = await followToSummary(client, handle, 1000);
      otherCpu = stopMeter();
      return done;
    }).finally(() => extra?.stop());
    const syncMs = performance.now() - started;
    const syncCpuMs = cpuMs(process.cpuUsage(cpuAtStart));
    const workerStartMs = started - workerStarted;
    const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);

    // The same batches again, called in a loop without Temporal: what is left of the time is orchestration's.
    const direct = runDirect ? await directRun() : undefined;
    async function directRun() {
      await truncateTargets(knex);
      say('The same batches called directly, without Temporal ...');
      const directStarted = performance.now();
      const directCpu = process.cpuUsage();
      const result = await runBatchesDirectly(knex, { batchSize, runId: `bench-direct-${process.pid}` });
      const directMs = performance.now() - directStarted;
      const directCpuMs = cpuMs(process.cpuUsage(directCpu));
      if (JSON.stringify(result.counts) !== JSON.stringify(summary.counts)) {
        throw new Error(`the direct run's outcome ${JSON.stringify(result.counts)} differs from the sync's ${JSON.stringify(summary.counts)}`);
      }
      return { rowsRead: result.rowsRead, ms: directMs, cpuMs: directCpuMs };
    }

    say(`Reference: one INSERT ... SELECT ... ON DUPLICATE KEY UPDATE over the same rows, ${referenceRuns} time(s) ...`);
    const reference = await referenceMedian(knex, referenceRuns);

    const syncRate = rate(summary.rowsRead, syncMs);
    const refRate = rate(rows, reference.elapsedMs);
    const perBatch = (ms: number) => (ms / Math.max(1, summary.batches)).toFixed(1);
    const per1000 = (ms: number | undefined) => (ms === undefined ? 'not measured' : `${((ms * 1000) / Math.max(1, summary.rowsRead)).toFixed(1)} ms`);
    const cpuLine = `                      CPU per 1000 rows: this process ${per1000(syncCpuMs)}` +
      Object.entries(otherCpu).map(([name, ms]) => `, ${name} ${per1000(ms)}`).join('');
    print([
      `Benchmark: ${fmt(rows)} staging rows, batch size ${batchSize}, partitions ${partitions}, worker processes ${workers}, ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown cpu'}), ${Math.round(totalmem() / 2 ** 30)} GiB`,
      `  node flags ${nodeFlagsText(process.execArgv, process.env.NODE_OPTIONS)}`,
      `  sync (Temporal)     ${(syncMs / 1000).toFixed(2)}s  ${fmt(syncRate)} rows/s  ${(summary.batches / (syncMs / 1000)).toFixed(1)} batches/s  peak RSS ${peakRssMb} MB (worker + client in one process)`,
      `                      this process's CPU (all threads) ${perBatch(syncCpuMs)} ms per batch${partitions > 1 ? ' (a batch here is a window)' : ''}`,
      cpuLine,
      `                      worker start-up (loading the workflow bundle, not counted above) ${(workerStartMs / 1000).toFixed(1)}s`,
      `                      inserted ${fmt(summary.counts.inserted)} updated ${fmt(summary.counts.updated)} unchanged ${fmt(summary.counts.unchanged)} stale ${fmt(summary.counts.stale)} rejected ${fmt(summary.counts.rejected)}`,
      direct
        ? `  same batches, direct ${(direct.ms / 1000).toFixed(2)}s  ${fmt(rate(direct.rowsRead, direct.ms))} rows/s  ${perBatch(direct.ms)} ms per batch; ` +
          `orchestration adds ${perBatch(syncMs - direct.ms)} ms per batch; this process's CPU ${perBatch(direct.cpuMs)} ms per batch`
        : '  same batches, direct: not run (--no-direct)',
      `  reference statement ${(reference.elapsedMs / 1000).toFixed(2)}s  ${fmt(refRate)} rows/s  (${fmt(reference.rows)} rows affected` +
        (reference.runsMs.length > 1 ? `; median of ${reference.runsMs.length} runs: ${reference.runsMs.map((ms) => (ms / 1000).toFixed(2)).join(', ')} s)` : ')'),
      `  ratio               ${(syncRate / refRate).toFixed(2)} of the single statement's rate${direct ? ` (${(rate(direct.rowsRead, direct.ms) / refRate).toFixed(2)} without Temporal)` : ''}`,
    ].join('\n'));
    return 0;
  } finally {
    await client.close();
    await knex.destroy();
    if (!keep) await dropDatabase(settingsDb);
  }
}

/** The V8 and node settings the figures were taken with (the extra worker processes get the same: src/bench/extraWorkers.ts). */
export function nodeFlagsText(execArgv: readonly string[], nodeOptions: string | undefined): string {
  const flags = workerNodeFlags(execArgv).join(' ') || 'none';
  return nodeOptions?.trim() ? `${flags}; NODE_OPTIONS ${nodeOptions.trim()}` : flags;
}
