/**
 * Freshness (issue 13, item 7), the way an operator meets it, with real CLI processes against a worker of the test's
 * own: a second `seed-demo` is dated after the watermark, so the next sync reads it; rows that land dated before
 * the watermark make the run's summary warn; `status` says how far the watermark is behind the newest staging row.
 */
import { buildIfStale, runCli } from '../support/builtCli';
import { createSyncEnv, SyncEnv } from '../support/syncHarness';
import { TEMPORAL_ADDRESS, uniqueId } from '../support/temporalTestEnv';
import { insertStaging } from '../support/testDatabase';

jest.setTimeout(240_000);

let e: SyncEnv;
let cliEnv: NodeJS.ProcessEnv;
beforeAll(async () => {
  buildIfStale();
  e = await createSyncEnv('freshness');
  cliEnv = { ...process.env, NO_COLOR: '1', TEMPORAL_ADDRESS, PRODUCT_ETL_TASK_QUEUE: e.worker.taskQueue, DATABASE_URL: e.db.url };
});
afterAll(async () => {
  await e?.close();
});

const rowsRead = (out: string) => Number(/rows read +([\d,]+)/.exec(out)?.[1].replace(/,/g, ''));

it('a second seed-demo is dated after the watermark, and the next sync reads all of it', async () => {
  expect((await runCli(['seed-demo', '--rows', '300', '--seed', '1'], cliEnv)).code).toBe(0);
  const first = await runCli(['sync', '--limit', '100'], cliEnv);
  expect(first.code).toBe(0);
  expect(rowsRead(first.out)).toBe(300);
  const watermark = (await e.db.knex('etl_watermark').first('last_processed_at')).last_processed_at as string;

  // The same seed again: without the date shift these rows would repeat the first ones' dates, all behind the watermark.
  const second = await runCli(['seed-demo', '--rows', '300', '--seed', '1'], cliEnv);
  expect(second.code).toBe(0);
  expect(second.out).toMatch(/dated from \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6} \(after the watermark/);
  const [{ n }] = await e.db.knex('products_staging').where('src_updated_at', '<=', watermark).count({ n: '*' });
  expect(Number(n)).toBe(300);
  const next = await runCli(['sync', '--limit', '100'], cliEnv);
  expect(rowsRead(next.out)).toBe(300);
  expect(next.out).not.toContain('warning');
});

it('rows dated before the watermark that no run will read: the run warns, and status shows them and the lag', async () => {
  const wm = await e.db.knex('etl_watermark').first('last_processed_at', 'last_processed_id');
  // Upstream writes two rows stamped a day before the watermark (inserted now, so their ids are above its id) and
  // one new row an hour after it.
  await insertStaging(e.db.knex, [
    { brand_code: 'f', sku: 'late-1', name: 'late', src_updated_at: '2026-01-01 00:00:00' },
    { brand_code: 'f', sku: 'late-2', name: 'late', src_updated_at: '2026-01-01 00:00:01' },
  ]);
  const [[{ later }]] = await e.db.knex.raw("SELECT DATE_FORMAT(? + INTERVAL 1 HOUR, '%Y-%m-%d %H:%i:%s.%f') AS later", [wm.last_processed_at]);
  await insertStaging(e.db.knex, [{ brand_code: 'f', sku: 'new', name: 'new', src_updated_at: later }]);

  const id = uniqueId('freshness-status');
  // A dry run, so the watermark stays where it is for status below; it plans like a real run.
  const run = await runCli(['sync', '--dry-run', '--workflow-id', id], cliEnv);
  expect(run.code).toBe(0);
  expect(rowsRead(run.out)).toBe(1);
  expect(run.out).toContain("warning: 2 staging row(s) were inserted after the watermark's row but are dated before where this run started");

  const status = await runCli(['status', '--workflow-id', id], cliEnv);
  expect(status.code).toBe(0);
  expect(status.out).toMatch(/freshness +the watermark \(\S+ \S+, \d+\) is 1h behind the newest staging row \(\S+ \S+, \d+\): 1 row\(s\) to read/);
  expect(status.out).toContain("2 staging row(s) inserted after the watermark's row are dated before it: no resumed run reads them");
});
