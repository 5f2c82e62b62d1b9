/**
 * `product-etl bench` as a user runs it: a child process against the test Temporal server and MariaDB. The figures
 * are not asserted (performance is measured, not tested); that the command runs all three measurements on the
 * same rows, agrees with itself on the outcome, prints them, and cleans up after itself is.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createKnex } from '../../src/db/connection';
import { buildIfStale, runCli } from '../support/builtCli';
import { NAMESPACE, TEMPORAL_ADDRESS, uniqueId } from '../support/temporalTestEnv';
import { testServer } from '../support/testDatabase';

jest.setTimeout(240_000);

it('benchmarks the sync, the same batches without Temporal and the reference statement, then drops its database', async () => {
  buildIfStale();
  const server = testServer();
  const database = `pe_test_bench_${uniqueId('b').slice(2)}`.replace(/-/g, '_');
  const url = `mysql://${server.user}${server.password ? ':' + encodeURIComponent(server.password) : ''}@${server.host}:${server.port}/${database}`;
  const env = { ...process.env, DATABASE_URL: url, TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE: NAMESPACE };

  const { code, out } = await runCli(['bench', '--rows', '3000', '--limit', '250', '--warm-up'], env);

  expect({ code, out }).toMatchObject({ code: 0 });
  expect(out).toMatch(/Benchmark: 3,000 staging rows, batch size 250/);
  // The warm-up ran first and its writes were emptied: the sync's counts below add up to the 3000 rows once.
  expect(out.indexOf('Warm-up: the same batches called directly once')).toBeGreaterThan(-1);
  expect(out.indexOf('Warm-up:')).toBeLessThan(out.indexOf('Sync through Temporal'));
  expect(out).toMatch(/sync \(Temporal\)\s+[\d.]+s\s+[\d,]+ rows\/s\s+[\d.]+ batches\/s\s+peak RSS \d+ MB/);
  expect(out).toMatch(/same batches, direct\s+[\d.]+s\s+[\d,]+ rows\/s\s+[\d.]+ ms per batch; orchestration adds -?[\d.]+ ms per batch/);
  expect(out).toMatch(/this process's CPU \(all threads\) [\d.]+ ms per batch/);
  expect(out).toMatch(/reference statement\s+[\d.]+s\s+[\d,]+ rows\/s\s+\([\d,]+ rows affected; median of 3 runs: [\d.]+, [\d.]+, [\d.]+ s\)/);
  expect(out).toMatch(/ratio\s+[\d.]+ of the single statement's rate \([\d.]+ without Temporal\)/);
  const counts = /inserted ([\d,]+) updated ([\d,]+) unchanged ([\d,]+) stale ([\d,]+) rejected ([\d,]+)/.exec(out);
  expect(counts).not.toBeNull();
  expect(counts!.slice(1).reduce((n, c) => n + Number(c.replace(/,/g, '')), 0)).toBe(3000);

  const admin = createKnex(server, { database: false });
  try {
    const [rows] = await admin.raw('SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE ?', [`${database}%`]);
    expect(rows).toEqual([]);
  } finally {
    await admin.destroy();
  }
});

it('benchmarks a partitioned sync over two worker processes and charges CPU per 1000 rows to each process', async () => {
  buildIfStale();
  const server = testServer();
  const database = `pe_test_benchk_${uniqueId('b').slice(2)}`.replace(/-/g, '_');
  const url = `mysql://${server.user}${server.password ? ':' + encodeURIComponent(server.password) : ''}@${server.host}:${server.port}/${database}`;
  const env = { ...process.env, DATABASE_URL: url, TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE: NAMESPACE };

  // A V8 flag given to node for the bench must reach the worker process it starts (docs/operations.md, Worker memory):
  // the command lines of the bench's children are read while it runs.
  const flag = '--max-semi-space-size=32';
  const childArgs = new Set<string>();
  let watcher: NodeJS.Timeout | undefined;
  const { code, out } = await runCli(['bench', '--rows', '2000', '--limit', '250', '--partitions', '2', '--workers', '2'], env, 180_000, {
    nodeFlags: [flag],
    onSpawn: (bench) => {
      watcher = setInterval(() => {
        for (const args of childCommandLines(bench.pid as number)) childArgs.add(args.join(' '));
      }, 100);
    },
  }).finally(() => clearInterval(watcher));

  expect({ code, out }).toMatchObject({ code: 0 });
  expect(out).toMatch(/Benchmark: 2,000 staging rows, batch size 250, partitions 2, worker processes 2/);
  expect(out).toContain(`node flags ${flag}`);
  const workers = [...childArgs].filter((a) => / worker$/.test(a));
  expect(workers).toHaveLength(1);
  expect(workers[0]).toContain(flag);
  // The second worker process is started, and its CPU is measured and reported.
  const second = /worker 2 ([\d.]+) ms/.exec(out);
  expect(second).not.toBeNull();
  expect(Number(second![1])).toBeGreaterThan(0);
  expect(out).toMatch(/CPU per 1000 rows: this process [\d.]+ ms/);
  const counts = /inserted ([\d,]+) updated ([\d,]+) unchanged ([\d,]+) stale ([\d,]+) rejected ([\d,]+)/.exec(out);
  expect(counts!.slice(1).reduce((n, c) => n + Number(c.replace(/,/g, '')), 0)).toBe(2000);
});

/** The argument lists of the processes whose parent is `pid` (from /proc; a process gone meanwhile is skipped). */
function childCommandLines(pid: number): string[][] {
  const found: string[][] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) found.push(readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').filter((a) => a !== ''));
    } catch {
      // gone between the listing and the read
    }
  }
  return found;
}
