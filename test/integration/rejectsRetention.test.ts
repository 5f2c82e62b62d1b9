/**
 * Rejects don't pile up (issue 13, item 6; spec section 5, amended 2026-12-02): a re-read records a bad row again only
 * when its src_updated_at or the reason changed, while the run still counts it rejected; the summary says where the
 * rejects are; `rejects prune --older-than` is the retention setting. Real CLI processes against a worker of the
 * test's own, the dev server and MariaDB.
 */
import { buildIfStale, runCli } from '../support/builtCli';
import { createSyncEnv, SyncEnv } from '../support/syncHarness';
import { TEMPORAL_ADDRESS } from '../support/temporalTestEnv';
import { insertStaging } from '../support/testDatabase';

jest.setTimeout(180_000);

let e: SyncEnv;
let cliEnv: NodeJS.ProcessEnv;
const rejectRows = async () => e.db.knex('product_etl_reject').orderBy('id').select('staging_id', 'reason_code', 'src_updated_at', 'run_id');

beforeAll(async () => {
  buildIfStale();
  e = await createSyncEnv('rejects');
  await insertStaging(e.db.knex, [
    { brand_code: 'r', sku: 'good-1', name: 'fine', src_updated_at: '2026-03-01 00:00:01' },
    { brand_code: 'r', sku: 'bad-1', name: 'no price', price: 'N/A', src_updated_at: '2026-03-01 00:00:02' },
    { brand_code: 'r', sku: 'bad-2', name: 'no status', status: 'maybe', src_updated_at: '2026-03-01 00:00:03' },
    { brand_code: 'r', sku: 'good-2', name: 'fine', src_updated_at: '2026-03-01 00:00:04' },
  ]);
  cliEnv = { ...process.env, NO_COLOR: '1', TEMPORAL_ADDRESS, PRODUCT_ETL_TASK_QUEUE: e.worker.taskQueue, DATABASE_URL: e.db.url };
});
afterAll(async () => {
  await e?.close();
});

it('a re-read counts a bad row rejected but records it once; a changed row is recorded again; the summary points to them', async () => {
  const first = await runCli(['sync'], cliEnv);
  expect(first.code).toBe(0);
  expect(first.out).toMatch(/rejected +2\n/);
  const query = /SELECT staging_id, reason_code, message FROM product_etl_reject WHERE .*;/.exec(first.out)?.[0];
  expect(query).toBeDefined();
  expect(first.out).toContain('rejects prune --older-than 30d');
  const [pointed] = await e.db.knex.raw(query as string);
  expect((pointed as Array<{ reason_code: string }>).map((r) => r.reason_code).sort()).toEqual(['INVALID_PRICE', 'INVALID_STATUS']);
  expect(await rejectRows()).toHaveLength(2);

  // --no-resume re-reads everything: the same two rows are counted rejected again, and no reject row is added.
  const again = await runCli(['sync', '--no-resume'], cliEnv);
  expect(again.code).toBe(0);
  expect(again.out).toMatch(/rejected +2\n/);
  const before = await rejectRows();
  expect(before).toHaveLength(2);

  // Upstream re-stamps one bad row (still bad): a new version of it, recorded again by the next run.
  await e.db.knex('products_staging').where({ sku: 'bad-1' }).update({ src_updated_at: '2026-03-02 00:00:00' });
  const third = await runCli(['sync'], cliEnv);
  expect(third.out).toMatch(/rejected +1\n/);
  const after = await rejectRows();
  expect(after.slice(0, 2)).toEqual(before);
  expect(after).toHaveLength(3);
  expect(after[2]).toMatchObject({ reason_code: 'INVALID_PRICE', src_updated_at: '2026-03-02 00:00:00.000000' });
});

it('rejects prune --older-than deletes only rows older than that, by created_at; --dry-run only counts', async () => {
  const ids = (await e.db.knex('product_etl_reject').orderBy('id').pluck('id')) as string[];
  await e.db.knex('product_etl_reject').whereIn('id', ids.slice(0, 2)).update({ created_at: e.db.knex.raw('NOW(6) - INTERVAL 40 DAY') });
  const dry = await runCli(['rejects', 'prune', '--older-than', '30d', '--dry-run'], cliEnv);
  expect(dry.code).toBe(0);
  expect(dry.out).toMatch(/^Would delete 2 reject rows created before \S+ \S+ \(older than 30d\)/m);
  expect(await rejectRows()).toHaveLength(3);
  const pruned = await runCli(['rejects', 'prune', '--older-than', '30d'], cliEnv);
  expect(pruned.code).toBe(0);
  expect(pruned.out).toMatch(/^Deleted 2 reject rows/m);
  expect((await e.db.knex('product_etl_reject').pluck('id')).map(String)).toEqual([String(ids[2])]);
  for (const bad of [['--older-than', 'soon'], ['--older-than', '0'], []]) {
    const r = await runCli(['rejects', 'prune', ...bad], cliEnv);
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/error: .*older-than/);
  }
});
