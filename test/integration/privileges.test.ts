/**
 * Least privilege (issue 5, item 4). The grants are read from docs/operations.md itself, so the test proves what the
 * operators are told: a user with exactly those grants runs full syncs through Temporal that equal the oracle, cannot
 * write, alter or drop products_staging, and needs every one of them (each removed alone makes the sync fail with
 * AccessDenied naming the table). Users are made with unique names and random passwords, and dropped at the end.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApplicationFailure, WorkflowFailedError } from '@temporalio/client';
import type { Knex } from 'knex';
import { createActivities } from '../../src/activities';
import { silentLogger } from '../../src/activities/logger';
import { startSync } from '../../src/client';
import { createKnex } from '../../src/db/connection';
import { seedStaging } from '../../src/demo/seedStaging';
import { actualState, expectedState } from '../support/syncHarness';
import { createTestDatabase, insertStaging, TestDatabase } from '../support/testDatabase';
import { startTestWorker, uniqueId } from '../support/temporalTestEnv';

interface Grant { privileges: string[]; table: string }

/** The GRANT statements of the "Database user and grants" section, as (privileges, table). */
function documentedGrants(): Grant[] {
  const doc = readFileSync(join(__dirname, '../../docs/operations.md'), 'utf8');
  const section = doc.split(/^## /m).find((s) => s.startsWith('Database user and grants')) ?? '';
  return [...section.matchAll(/^GRANT (.+) ON belle_ai\.(\w+) TO 'product_etl'@'%';$/gm)].map((m) => ({ privileges: m[1].split(/,\s*/), table: m[2] }));
}

const TABLES = ['products_staging', 'products', 'product_change_log', 'product_etl_reject', 'etl_watermark', 'etl_batch_log', 'etl_run_lock', 'etl_window', 'etl_window_partition'];
const RUN = randomBytes(3).toString('hex');
const created: string[] = [];
/** The rejected row's name: distinctive, so it can be looked for in a history. */
const ROW_MARK = `row-content-${RUN}`;

/** A user of its own with a random password, granted `grants` on the test database (root does the granting). */
async function createUser(root: Knex, db: TestDatabase, grants: Grant[]): Promise<{ user: string; knex: Knex }> {
  const user = `pe_priv_${RUN}_${created.length}`;
  const password = randomBytes(18).toString('base64url');
  await root.raw("CREATE USER ?@'%' IDENTIFIED BY ?", [user, password]);
  created.push(user);
  for (const g of grants) await root.raw(`GRANT ${g.privileges.join(', ')} ON ??.?? TO ?@'%'`, [db.settings.database, g.table, user]);
  return { user, knex: createKnex({ ...db.settings, user, password }, { poolMax: 4 }) };
}

async function dropUsers(root: Knex): Promise<void> {
  while (created.length > 0) await root.raw("DROP USER IF EXISTS ?@'%'", [created.pop() as string]);
}

/** Empties what the sync writes, so each user starts from the same state (root does this, not the user under test). */
async function resetSyncTables(root: Knex): Promise<void> {
  for (const t of TABLES.slice(1)) await root.raw('DELETE FROM ??', [t]);
}

/** The server's "X command denied ..." message, whether the error came classified (ApplicationFailure) or raw. */
function accessDenial(err: unknown): string | undefined {
  const failure = failureOf(err);
  if (failure?.type === 'AccessDenied') return failure.message;
  // Errors of objection queries arrive wrapped (DBError), with the driver's error as nativeError.
  const native = (err as { nativeError?: { code?: string; sqlMessage?: string } } | undefined)?.nativeError;
  return native?.code === 'ER_TABLEACCESS_DENIED_ERROR' ? native.sqlMessage : undefined;
}

function failureOf(err: unknown): ApplicationFailure | undefined {
  let e: unknown = err instanceof WorkflowFailedError ? err.cause : err;
  while (e instanceof Error && !(e instanceof ApplicationFailure)) e = e.cause;
  return e instanceof ApplicationFailure ? e : undefined;
}

describe('the sync user of docs/operations.md', () => {
  const grants = documentedGrants();
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('privileges');
  });
  afterAll(async () => {
    await dropUsers(db.knex);
    await db?.drop();
  });

  it('the documented grants name every table the sync touches, and only SELECT on products_staging', () => {
    expect(grants.map((g) => g.table).sort()).toEqual([...TABLES].sort());
    expect(grants.find((g) => g.table === 'products_staging')?.privileges).toEqual(['SELECT']);
  });

  it('runs full syncs through Temporal that equal the oracle, with exactly those grants', async () => {
    await seedStaging(db.knex, { rows: 800, seed: 21 });
    const { knex } = await createUser(db.knex, db, grants);
    const worker = await startTestWorker(knex);
    try {
      const run = (input: object) => startSync(worker.client, worker.taskQueue, input, uniqueId('priv')).then((h) => h.result());
      const first = await run({ batchSize: 100 });
      // New rows that update existing keys, then a lookback run, a --no-resume run and a dry run: every write path.
      const keys = await db.knex('products').select('brand_code', 'sku').limit(20);
      await insertStaging(db.knex, keys.map((k: { brand_code: string; sku: string }, i: number) => ({ ...k, name: `renamed ${i}`, src_updated_at: '2027-01-01 00:00:00.000000' })));
      const second = await run({ batchSize: 100, lookback: '1h' });
      const full = await run({ batchSize: 250, resume: false });
      const dry = await run({ dryRun: true });
      expect(first).toMatchObject({ status: 'completed', rowsRead: 800 });
      expect(first.counts.rejected).toBeGreaterThan(0);
      expect(second).toMatchObject({ status: 'completed', counts: { updated: 20 } });
      expect(full).toMatchObject({ status: 'completed', rowsRead: 820, counts: { inserted: 0, updated: 0 } });
      expect(dry).toMatchObject({ status: 'completed', rowsRead: 0 });
      const expected = await expectedState(db.knex);
      const actual = await actualState(db.knex);
      expect(actual.products).toEqual(expected.products);
      expect(actual.changes.length).toBe(expected.changes.length);
    } finally {
      await worker.stop();
      await knex.destroy();
    }
  });

  it('cannot write, alter or drop products_staging, nor touch tables outside its grants', async () => {
    const { user, knex } = await createUser(db.knex, db, grants);
    const before = await db.knex.raw('CHECKSUM TABLE products_staging');
    const denied = [
      "INSERT INTO products_staging (brand_code, sku, name, src_updated_at) VALUES ('b', 's', 'n', '2026-01-01')",
      "UPDATE products_staging SET name = 'x'",
      'DELETE FROM products_staging',
      'ALTER TABLE products_staging ADD COLUMN x INT',
      'DROP TABLE products_staging',
      'TRUNCATE TABLE products_staging',
      'CREATE INDEX ix ON products_staging (sku)',
      'DELETE FROM products',
      'DROP TABLE products',
      'DELETE FROM product_change_log',
      'DELETE FROM product_etl_reject',
      'SELECT COUNT(*) FROM knex_migrations',
    ];
    try {
      for (const sql of denied) {
        const err = await knex.raw(sql).then(() => undefined, (e: { code?: string; sqlMessage?: string }) => e);
        expect({ sql, code: err?.code }).toEqual({ sql, code: 'ER_TABLEACCESS_DENIED_ERROR' });
        expect(err?.sqlMessage).toContain(`'${user}'`);
      }
    } finally {
      await knex.destroy();
    }
    expect(await db.knex.raw('CHECKSUM TABLE products_staging')).toEqual(before);
  });

  // Every (table, privilege) pair is removed alone; the sync's own steps (run lock, beginRun, a batch with an insert,
  // an update and a reject, the batch repeated as a retry would, release) must then fail, saying which table.
  const pairs = grants.flatMap((g) => g.privileges.map((privilege) => ({ table: g.table, privilege })));
  const stepsAs = async (userGrants: Grant[]): Promise<unknown> => {
    await prepareSteps(db.knex);
    const { knex } = await createUser(db.knex, db, userGrants);
    try {
      return await syncSteps(knex).then(() => undefined, (e: unknown) => e);
    } finally {
      await knex.destroy();
    }
  };

  it('the sync\'s steps succeed with all the documented grants', async () => {
    expect(await stepsAs(grants)).toBeUndefined();
  });

  it.each(pairs.map((p) => [`${p.privilege} on ${p.table}`, p] as const))('needs %s', async (_label, missing) => {
    const fewer = grants.map((g) => ({ table: g.table, privileges: g.privileges.filter((p) => g.table !== missing.table || p !== missing.privilege) }));
    const err = await stepsAs(fewer.filter((g) => g.privileges.length > 0));
    // A privilege the statement needs for one column (SELECT of id in the reject insert's ON DUPLICATE KEY UPDATE
    // id = id) is reported for that column.
    const table = `(table \`[^\`]+\`\\.\`${missing.table}\`|column '[^']+' in table '${missing.table}')`;
    expect(accessDenial(err)).toMatch(new RegExp(`^${missing.privilege} command denied to user '[^']+'@'[^']+' for ${table}`));
  });

  it('a missing grant fails a Temporal run at once with AccessDenied, naming the table and pointing to the docs', async () => {
    await prepareSteps(db.knex);
    const withoutRejects = grants.filter((g) => g.table !== 'product_etl_reject');
    const { knex } = await createUser(db.knex, db, withoutRejects);
    const worker = await startTestWorker(knex);
    try {
      const started = Date.now();
      const err = await startSync(worker.client, worker.taskQueue, {}, uniqueId('priv-denied')).then((h) => h.result()).then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(WorkflowFailedError);
      expect(failureOf(err)).toMatchObject({ type: 'AccessDenied', nonRetryable: true });
      expect(failureOf(err)?.message).toMatch(/product_etl_reject[\s\S]*docs\/operations\.md/);
      expect(Date.now() - started).toBeLessThan(15_000); // not retried with backoff
    } finally {
      await worker.stop();
      await knex.destroy();
    }
  });

  // Regression: classifyDatabaseError once read only err.code, but objection wraps driver errors (the code is on
  // nativeError), so denials from objection queries were retried without end.
  it('a missing SELECT on products_staging fails a Temporal run at once as AccessDenied', async () => {
    await prepareSteps(db.knex);
    const { knex } = await createUser(db.knex, db, grants.filter((g) => g.table !== 'products_staging'));
    const worker = await startTestWorker(knex);
    const handle = await startSync(worker.client, worker.taskQueue, {}, uniqueId('priv-staging'));
    try {
      const outcome = await Promise.race([handle.result().then(() => 'completed', (e: unknown) => e), new Promise((r) => setTimeout(() => r('still running'), 8000))]);
      expect(failureOf(outcome)).toMatchObject({ type: 'AccessDenied', nonRetryable: true });
    } finally {
      await handle.terminate('test over').catch(() => undefined);
      await worker.stop();
      await knex.destroy();
    }
  });

  // Regression: database failures once kept the driver's error, whose message (from knex) is the whole statement with
  // its values, so a failed run's history held row contents, against spec section 9. They are rebuilt without it now.
  it('a failed run\'s history holds no row contents', async () => {
    await prepareSteps(db.knex);
    const { knex } = await createUser(db.knex, db, grants.filter((g) => g.table !== 'product_etl_reject'));
    const worker = await startTestWorker(knex);
    try {
      const handle = await startSync(worker.client, worker.taskQueue, {}, uniqueId('priv-history'));
      await handle.result().catch(() => undefined);
      expect(JSON.stringify(await handle.fetchHistory())).not.toContain(ROW_MARK);
    } finally {
      await worker.stop();
      await knex.destroy();
    }
  });

  it('drops every user it created', async () => {
    expect(created.length).toBeGreaterThan(pairs.length);
    await dropUsers(db.knex);
    const [rows] = await db.knex.raw('SELECT User FROM mysql.user WHERE User LIKE ?', [`pe_priv_${RUN}_%`]);
    expect(rows).toEqual([]);
  });
});

/** Root sets the scene: an older product for key B/ONE, and staging rows that update it, insert B/TWO and get rejected. */
async function prepareSteps(root: Knex): Promise<void> {
  await resetSyncTables(root);
  await root('products_staging').delete();
  await root('products').insert({ brand_code: 'B', sku: 'ONE', name: 'old', status: 'active', attributes: '{}', tags: '[]', data_version: 'x'.repeat(64), source_id: 0, src_updated_at: '2025-01-01 00:00:00.000000' });
  await insertStaging(root, [
    { brand_code: 'b', sku: 'one', name: 'updated', src_updated_at: '2026-01-01 00:00:00.000001' },
    { brand_code: 'b', sku: 'bad', name: ROW_MARK, price: 'N/A', src_updated_at: '2026-01-01 00:00:00.000002' },
    { brand_code: 'b', sku: 'two', name: 'new key', src_updated_at: '2026-01-01 00:00:00.000003' },
  ]);
}

/** What one run asks of the database, through the activities themselves, in the order a run does it. */
async function syncSteps(knex: Knex): Promise<void> {
  const acts = createActivities({ knex, logger: silentLogger, config: { pipeline: 'products' } });
  const owner = { workflowId: 'wf-priv', pipelineRunId: 'run-priv' };
  await acts.acquireRunLock(owner);
  const plan = await acts.beginRun({ ...owner, resume: true, dryRun: false, lookbackSeconds: 0 });
  if (!plan.end) throw new Error('staging is empty');
  const input = { ...owner, runId: 'run-priv', from: plan.start, end: plan.end, batchSize: 100, dryRun: false };
  const first = await acts.applyBatch(input);
  if (first.counts.inserted !== 1 || first.counts.updated !== 1 || first.counts.rejected !== 1) throw new Error(`unexpected counts ${JSON.stringify(first.counts)}`);
  if (!(await acts.applyBatch(input)).alreadyCommitted) throw new Error('the repeated batch was applied again');
  await acts.releaseRunLock(owner);
  // The same rows again as one partitioned window (docs/scaling.md): plan, two partitions, one repeated, finish.
  const again = { workflowId: 'wf-priv-k', pipelineRunId: 'run-priv-k' };
  const replan = await acts.beginRun({ ...again, resume: false, dryRun: false, lookbackSeconds: 0 });
  const window = await acts.planWindow({ ...again, from: replan.start, end: replan.end!, batchSize: 100, partitions: 2 });
  for (const partition of [0, 1]) await acts.applyPartition({ ...again, runId: 'run-priv-k', windowId: window.windowId!, partition });
  if (!(await acts.applyPartition({ ...again, runId: 'run-priv-k', windowId: window.windowId!, partition: 0 })).alreadyCommitted) throw new Error('the repeated partition was applied again');
  const finished = await acts.finishWindow({ ...again, windowId: window.windowId!, end: replan.end! });
  if (finished.rowsRead !== 3) throw new Error(`the window read ${finished.rowsRead} rows, not 3`);
}
