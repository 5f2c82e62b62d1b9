/**
 * Reject triage (issue 10, item 6): `rejects` (summary by reason), `rejects list`, `rejects export --format csv|json`
 * on demo data synced by a real worker, run as real CLI processes. "The last run" is the staging rows it read, so a
 * re-read run shows the rejects an earlier run recorded first; a fixed row (new src_updated_at) leaves the list.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildIfStale, ROOT, runCli } from '../support/builtCli';
import { createSyncEnv, SyncEnv } from '../support/syncHarness';
import { TEMPORAL_ADDRESS } from '../support/temporalTestEnv';
import { insertStaging } from '../support/testDatabase';

jest.setTimeout(300_000);

let e: SyncEnv;
let cliEnv: NodeJS.ProcessEnv;
let dir: string;
const TRICKY_SKU = 'bad,"quoted"\nsku';

/** stdout only (runCli merges stderr into its output). */
function stdoutOf(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/product-etl.js'), ...args], { cwd: ROOT, env: cliEnv, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** RFC 4180 parser for the test: quoted fields, doubled quotes, CRLF records. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { field += '"'; i += 2; continue; }
      if (ch === '"') { quoted = false; i++; continue; }
      field += ch; i++; continue;
    }
    if (ch === '"') { quoted = true; i++; continue; }
    if (ch === ',') { record.push(field); field = ''; i++; continue; }
    if (ch === '\r' && text[i + 1] === '\n') { record.push(field); records.push(record); record = []; field = ''; i += 2; continue; }
    if (ch === '\n') throw new Error(`bare LF outside quotes at ${i}`);
    field += ch; i++;
  }
  if (field !== '' || record.length) throw new Error('last record has no CRLF');
  return records;
}

const rejectsByReason = async (where: (q: ReturnType<SyncEnv['db']['knex']>) => unknown = () => undefined) => {
  const q = e.db.knex('product_etl_reject');
  where(q);
  const rows = (await q.select('reason_code').count({ n: '*' }).groupBy('reason_code')) as Array<{ reason_code: string; n: number | string }>;
  return Object.fromEntries(rows.map((r) => [r.reason_code, Number(r.n)]));
};

beforeAll(async () => {
  buildIfStale();
  e = await createSyncEnv('rejtriage', { rows: 3000 });
  await insertStaging(e.db.knex, [
    { brand_code: 'zz', sku: TRICKY_SKU, name: 'a "name", with\r\nbreaks', price: 'N/A', src_updated_at: '2030-01-01 00:00:01' },
    { brand_code: 'zz', sku: 'fix-me', name: 'fine', price: 'twelve', src_updated_at: '2030-01-01 00:00:02' },
  ]);
  cliEnv = { ...process.env, NO_COLOR: '1', TEMPORAL_ADDRESS, PRODUCT_ETL_TASK_QUEUE: e.worker.taskQueue, DATABASE_URL: e.db.url };
  dir = mkdtempSync(join(tmpdir(), 'rejects-'));
});
afterAll(async () => {
  await e?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it('before any run there is nothing to show', async () => {
  const r = await runCli(['rejects'], cliEnv);
  expect(r.code).toBe(0);
  expect(r.out).toMatch(/No run has read staging rows yet/);
});

it('rejects shows the last run by reason, list and export give every reject with its raw row, re-reads and fixes included', async () => {
  const first = await runCli(['sync'], cliEnv);
  expect(first.code).toBe(0);
  const rejected = Number(/rejected +([\d,]+)\n/.exec(first.out)?.[1].replace(/,/g, ''));
  expect(rejected).toBeGreaterThan(2);
  const byReason = await rejectsByReason();
  const total = Object.values(byReason).reduce((a, b) => a + b, 0);
  expect(total).toBe(rejected);

  // Summary: `rejects` alone is `rejects summary`.
  for (const args of [['rejects'], ['rejects', 'summary']]) {
    const s = await runCli(args, cliEnv);
    expect(s.code).toBe(0);
    expect(s.out).toMatch(/^Rejects of the last run \S+ \(workflow \S+/);
    for (const [reason, n] of Object.entries(byReason)) expect(s.out).toMatch(new RegExp(`\\n  ${reason} +${n.toLocaleString('en-US')}  `));
    expect(s.out).toMatch(new RegExp(`\\n  total +${total.toLocaleString('en-US')}\\n`));
    expect(s.out).toContain('npx product-etl rejects export');
  }

  // List: --reason and --limit.
  const list = await runCli(['rejects', 'list', '--reason', 'INVALID_PRICE', '--limit', '2'], cliEnv);
  expect(list.code).toBe(0);
  const lines = list.out.split('\n').filter((l) => /^  \d+ /.test(l));
  expect(lines).toHaveLength(2);
  for (const l of lines) expect(l).toContain('INVALID_PRICE');
  expect(list.out).toMatch(/\(first 2; more with --limit/);

  // CSV to stdout: header, one record per reject, RFC 4180 quoting, raw_row as JSON text; notes on stderr only.
  const csv = stdoutOf(['rejects', 'export', '--format', 'csv']);
  expect(csv.code).toBe(0);
  expect(csv.stderr).toMatch(new RegExp(`Exported ${total.toLocaleString('en-US')} reject\\(s\\) \\(csv\\): Rejects of the last run`));
  const records = parseCsv(csv.stdout);
  expect(records[0]).toEqual(['staging_id', 'brand_code', 'sku', 'reason_code', 'field', 'message', 'src_updated_at', 'created_at', 'raw_row']);
  expect(records).toHaveLength(total + 1);
  const tricky = records.find((r) => r[2] === TRICKY_SKU);
  expect(tricky).toBeDefined();
  expect(tricky?.[3]).toBe('INVALID_PRICE');
  expect(tricky?.[6]).toBe('2030-01-01 00:00:01.000000');
  expect(JSON.parse(tricky?.[8] as string)).toMatchObject({ sku: TRICKY_SKU, name: 'a "name", with\r\nbreaks', price: 'N/A' });
  for (const r of records.slice(1)) expect(() => JSON.parse(r[8])).not.toThrow();

  // JSON to a file, one reason.
  const file = join(dir, 'rejects.json');
  const json = await runCli(['rejects', 'export', '--format', 'json', '--reason', 'INVALID_PRICE', '--out', file], cliEnv);
  expect(json.code).toBe(0);
  expect(json.out).toContain(`to ${file}`);
  const exported = JSON.parse(readFileSync(file, 'utf8')) as Array<Record<string, unknown>>;
  expect(exported).toHaveLength(byReason.INVALID_PRICE);
  expect(exported.every((r) => r.reason_code === 'INVALID_PRICE')).toBe(true);
  expect(exported.find((r) => r.sku === TRICKY_SKU)?.raw_row).toMatchObject({ sku: TRICKY_SKU, price: 'N/A' });
  const limited = await runCli(['rejects', 'export', '--format', 'csv', '--limit', '3', '--out', join(dir, 'three.csv')], cliEnv);
  expect(limited.code).toBe(0);
  expect(parseCsv(readFileSync(join(dir, 'three.csv'), 'utf8'))).toHaveLength(4);

  // A re-read run records nothing new, yet its rejects are the rows it read: the first run's records.
  const firstRun = (await e.db.knex('etl_batch_log').orderBy('id').first('run_id', 'workflow_id')) as { run_id: string; workflow_id: string };
  const again = await runCli(['sync', '--no-resume'], cliEnv);
  expect(again.code).toBe(0);
  expect(await rejectsByReason()).toEqual(byReason);
  const lastRun = (await e.db.knex('etl_batch_log').orderBy('id', 'desc').first('run_id')) as { run_id: string };
  expect(lastRun.run_id).not.toBe(firstRun.run_id);
  const reread = await runCli(['rejects'], cliEnv);
  expect(reread.out).toContain(`last run ${lastRun.run_id}`);
  expect(reread.out).toMatch(new RegExp(`\\n  total +${total.toLocaleString('en-US')}\\n`));

  // Upstream fixes one row: a new src_updated_at. The next run reads only it, and it has no reject.
  await e.db.knex('products_staging').where({ sku: 'fix-me' }).update({ price: '12.00', src_updated_at: '2030-01-02 00:00:00' });
  const fixed = await runCli(['sync'], cliEnv);
  expect(fixed.out).toMatch(/rejected +0\n/);
  const afterFix = await runCli(['rejects'], cliEnv);
  expect(afterFix.code).toBe(0);
  expect(afterFix.out).toMatch(/1 read\n  none\n/);
  expect(await e.db.knex('products').where({ brand_code: 'ZZ', sku: 'FIX-ME' }).first('price')).toEqual({ price: '12.00' });

  // --run by pipeline run id or workflow id still shows the first run's rows, the old version of fix-me included.
  for (const id of [firstRun.run_id, firstRun.workflow_id]) {
    const r = await runCli(['rejects', 'list', '--run', id, '--reason', 'INVALID_PRICE', '--limit', '100000'], cliEnv);
    expect(r.code).toBe(0);
    expect(r.out).toContain('fix-me');
  }
  // --since: by when first recorded.
  const since = await runCli(['rejects', '--since', '1h'], cliEnv);
  expect(since.out).toMatch(/^Rejects recorded since \S+ \S+ \(the last 1h\)/);
  expect(since.out).toMatch(new RegExp(`\\n  total +${total.toLocaleString('en-US')}\\n`));
});

it('refuses contradictory or unknown selections', async () => {
  const both = await runCli(['rejects', 'list', '--run', 'x', '--since', '1h'], cliEnv);
  expect(both.code).toBe(2);
  expect(both.out).toMatch(/error: --run and --since/);
  const unknown = await runCli(['rejects', '--run', 'no-such-run'], cliEnv);
  expect(unknown.code).toBe(3);
  expect(unknown.out).toMatch(/error: no committed batch of a run or workflow "no-such-run"/);
  const format = await runCli(['rejects', 'export', '--format', 'xml'], cliEnv);
  expect(format.code).toBe(2);
  for (const bad of [['--since', 'soon'], ['--since', '0']]) expect((await runCli(['rejects', ...bad], cliEnv)).code).toBe(2);
  const out = await runCli(['rejects', 'export', '--out', join(dir, 'no-such-dir', 'x.csv')], cliEnv);
  expect(out.code).toBe(2);
  expect(out.out).toMatch(/error: --out .*no-such-dir/);
});
