import { createHash } from 'node:crypto';
import { WorkflowFailedError } from '@temporalio/client';
import type { Knex } from 'knex';
import { createConnection } from 'mysql2/promise';
import { FailureType } from '../../src/activities/failures';
import { startSync } from '../../src/client';
import { createKnex } from '../../src/db/connection';
import { changeStatementBytes } from '../../src/db/stores/changeLogStore';
import { statementLimit } from '../../src/db/sql/multiRowInsert';
import { planBatch, prepareRows } from '../../src/domain/applyPlan';
import type { StagingRow } from '../../src/domain/types';
import { runOracle } from '../../tools/oracle/oracle';
import { OwnMariaDb } from '../support/ownMariaDb';
import { readStaging } from '../support/syncHarness';
import { createTestDatabase, insertStaging, misattributedChanges, snapshot, StagingInsert, TestDatabase } from '../support/testDatabase';
import { startTestWorker, TestWorker, uniqueId } from '../support/temporalTestEnv';

/**
 * Issue: a row under max_allowed_packet in staging but over it once escaped made the server drop the connection,
 * every attempt failed the same way, and the sync stalled behind it. Now no statement over the connection's limit is
 * sent: a row whose writes cannot fit is rejected as ROW_TOO_LARGE (raw row kept, cut if it must be), a reject's raw
 * row is cut to fit, and a batch that keeps failing on a reachable server stops with a message naming its rows.
 */
jest.setTimeout(300_000);

const MB = 1024 * 1024;
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
let tick = 0;
const at = () => `2026-02-01 00:00:00.${String(++tick).padStart(6, '0')}`;
const ordinary = (n: number): StagingInsert[] =>
  Array.from({ length: n }, (_, i) => ({ brand_code: 'OB', sku: `K${i % 17}`, name: `name ${i}`, category: 'a/b', price: `${i}.5`, status: 'active', attributes: JSON.stringify({ i, s: 'x\\\'y' }), tags: '["t"]', src_updated_at: at() }));

/** 8.5 MB of JSON-escaped backslashes: valid attributes whose stable JSON, SQL-escaped, is about 17 MB. */
const bigValid = (): StagingInsert => ({ brand_code: 'BIG', sku: 'VALID', name: 'big valid', price: '1', status: 'active', attributes: '{"a":"' + '\\'.repeat(8_500_000) + '"}', tags: null, src_updated_at: at() });
/** 4.3 MB of backslashes that are not JSON: the raw row is escaped twice (JSON, then SQL) into about 17.2 MB. */
const bigInvalid = (): StagingInsert => ({ brand_code: 'BIG', sku: 'INVALID', name: 'big invalid', price: '1', status: 'active', attributes: '{"a": ' + '\\'.repeat(4_300_000), tags: null, src_updated_at: at() });

let server: OwnMariaDb;
beforeAll(async () => {
  server = await OwnMariaDb.create();
  await server.start(['--innodb-lock-wait-timeout=1', '--max-allowed-packet=64M']);
});
afterAll(async () => server?.destroy());

interface Run {
  db: TestDatabase;
  knex: Knex;
  worker: TestWorker;
  sync(): Promise<Awaited<ReturnType<Awaited<ReturnType<typeof startSync>>['result']>>>;
  close(): Promise<void>;
}

/** Staging filled with a large packet, then the worker's connections opened under `packet`. */
async function setUp(rows: StagingInsert[], packet: number, activityConfig?: { maxBatchAttempts?: number }): Promise<Run> {
  await server.admin(`SET GLOBAL max_allowed_packet = ${256 * MB}`);
  const db = await createTestDatabase('packet', { server: server.settings() });
  await insertStaging(db.knex, rows);
  await server.admin(`SET GLOBAL max_allowed_packet = ${packet}`);
  const knex = createKnex(db.settings);
  const [[session]] = (await knex.raw('SELECT @@max_allowed_packet AS m')) as [[{ m: string }]];
  expect(Number(session.m)).toBe(packet);
  const worker = await startTestWorker(knex, { activityConfig });
  return {
    db,
    knex,
    worker,
    sync: async () => (await startSync(worker.client, worker.taskQueue, { batchSize: 1000 }, uniqueId('packet'))).result(),
    async close() {
      await worker.stop();
      await knex.destroy();
      await server.admin(`SET GLOBAL max_allowed_packet = ${64 * MB}`);
      await db.drop();
    },
  };
}

/** The tables equal the spec's rules applied to every staging row except the ones rejected as too large. */
async function expectOracleWithout(db: TestDatabase, tooLarge: Set<string>) {
  const staging = await readStaging(db.knex);
  const expected = runOracle(staging.filter((r: StagingRow) => !tooLarge.has(r.id)));
  const s = await snapshot(db.knex);
  expect(s.products.map((p) => [p.brand_code, p.sku, p.data_version, String(p.source_id)])).toEqual(
    [...expected.products].sort((a, b) => (a.brand_code + '\0' + a.sku < b.brand_code + '\0' + b.sku ? -1 : 1)).map((p) => [p.brand_code, p.sku, p.data_version, p.source_id]),
  );
  expect(s.changeLog.map((c) => String(c.staging_id)).sort()).toEqual(expected.changes.map((c) => c.staging_id).sort());
  const rejects = new Map(s.rejects.map((r) => [String(r.staging_id), r.reason_code]));
  for (const r of expected.rejects) expect(rejects.get(r.staging_id)).toBe(r.reason_code);
  for (const id of tooLarge) expect(rejects.get(id)).toBe('ROW_TOO_LARGE');
  expect(rejects.size).toBe(expected.rejects.length + tooLarge.size);
  expect(await misattributedChanges(db.knex)).toBe(0);
  return s;
}

async function rejectsByReason(db: TestDatabase, reason: string) {
  return (await db.knex('product_etl_reject').where({ reason_code: reason }).select('staging_id', 'field', 'message', 'raw_row')).map((r) => ({ ...r, staging_id: String(r.staging_id), raw: JSON.parse(r.raw_row) }));
}

describe('statements never exceed max_allowed_packet', () => {
  it('16 MB (MariaDB default): the big valid row is ROW_TOO_LARGE, the big invalid row is rejected with its raw row cut, the rows around them are synced', async () => {
    const rows = [...ordinary(40), bigValid(), ...ordinary(40), bigInvalid(), ...ordinary(40)];
    const run = await setUp(rows, 16 * MB);
    try {
      const summary = await run.sync();
      expect(summary.status).toBe('completed');
      expect(summary.batches).toBe(1);
      const [tooLarge] = await rejectsByReason(run.db, 'ROW_TOO_LARGE');
      expect(tooLarge.field).toBe('attributes');
      expect(tooLarge.message).toMatch(/row too large: .* statement of \d+ bytes, over the \d+ bytes this connection's max_allowed_packet allows/);
      expect(tooLarge.raw._truncated.attributes).toEqual({ chars: rows[40].attributes!.length, utf8_bytes: rows[40].attributes!.length, sha256: sha256(rows[40].attributes!) });
      expect(rows[40].attributes!.startsWith(tooLarge.raw.attributes)).toBe(true);
      expect(tooLarge.raw.name).toBe('big valid');
      const [invalid] = await rejectsByReason(run.db, 'INVALID_ATTRIBUTES');
      expect(invalid.raw._truncated.attributes.sha256).toBe(sha256(rows[81].attributes!));
      expect(rows[81].attributes!.startsWith(invalid.raw.attributes)).toBe(true);
      expect(invalid.raw.attributes.length).toBeGreaterThan(1_000_000);
      await expectOracleWithout(run.db, new Set([tooLarge.staging_id]));
    } finally {
      await run.close();
    }
  });

  it('64 KB: a row whose largest write is just under the limit is synced, one just over is ROW_TOO_LARGE', async () => {
    const packet = 64 * 1024;
    const limit = statementLimit(packet);
    // Sizes a row by the store's own measure: its change-log INSERT, the largest of its writes.
    const sized = (n: number, sku: string): StagingInsert => ({ brand_code: 'EDGE', sku, name: 'edge', price: '1', status: 'active', attributes: JSON.stringify({ a: 'é'.repeat(n) }), tags: null, src_updated_at: '2026-02-01 00:00:01.000000' });
    // The rows' staging ids (a fresh table numbers from 1): UNDER is the 11th row, OVER the 22nd.
    const bytesOf = (r: StagingInsert, id: string) => {
      const row = { id, brand_code: null, sku: null, name: null, category: null, price: null, status: null, attributes: null, tags: null, ...r } as StagingRow;
      const plan = planBatch(prepareRows([row]), new Map());
      return changeStatementBytes(plan.changes[0], { workflowId: 'packet-00000000', temporalRunId: '00000000-0000-0000-0000-000000000000' });
    };
    /** The largest n whose row still fits, by bisection. */
    const largestFitting = (sku: string, id: string) => {
      let lo = 1;
      let hi = limit;
      while (lo < hi) {
        const mid = Math.ceil((lo + hi) / 2);
        if (bytesOf(sized(mid, sku), id) <= limit) lo = mid;
        else hi = mid - 1;
      }
      return lo;
    };
    const under = { ...sized(largestFitting('UNDER', '11'), 'UNDER'), src_updated_at: at() };
    const over = { ...sized(largestFitting('OVER', '22') + 1, 'OVER'), src_updated_at: at() };
    expect(limit - bytesOf(under, '11')).toBeLessThan(2);
    expect(bytesOf(over, '22') - limit).toBeLessThanOrEqual(2);
    const rows = [...ordinary(10), under, ...ordinary(10), over, ...ordinary(10)];
    const run = await setUp(rows, packet);
    try {
      expect((await run.sync()).status).toBe('completed');
      const tooLarge = await rejectsByReason(run.db, 'ROW_TOO_LARGE');
      expect(tooLarge.map((r) => r.raw.sku)).toEqual(['OVER']);
      expect(await run.db.knex('products').where({ sku: 'UNDER' }).count({ n: '*' })).toEqual([{ n: '1' }]);
      await expectOracleWithout(run.db, new Set(tooLarge.map((r) => r.staging_id)));
    } finally {
      await run.close();
    }
  });

  it('1024 bytes (the server minimum): the batch completes; rows whose writes cannot fit are ROW_TOO_LARGE, the rest equal the oracle', async () => {
    const rows = ordinary(60);
    rows.push({ brand_code: 'OB', sku: 'bad', name: 'x', price: 'not a price ' + 'z'.repeat(2000).slice(0, 10), status: 'active', attributes: '{"k": "' + 'v'.repeat(3000) + '"}', tags: null, src_updated_at: at() });
    const run = await setUp(rows, 1024);
    try {
      const summary = await run.sync();
      expect(summary.status).toBe('completed');
      const tooLarge = await rejectsByReason(run.db, 'ROW_TOO_LARGE');
      const s = await expectOracleWithout(run.db, new Set(tooLarge.map((r) => r.staging_id)));
      expect(s.products.length).toBeGreaterThan(0);
      expect(summary.counts.rejected).toBe(s.rejects.length);
    } finally {
      await run.close();
    }
  });

  it('1 GB: the same big rows are written whole', async () => {
    const valid = bigValid();
    const invalid = bigInvalid();
    const run = await setUp([...ordinary(5), valid, invalid, ...ordinary(5)], 1024 * MB);
    try {
      expect((await run.sync()).status).toBe('completed');
      expect(await rejectsByReason(run.db, 'ROW_TOO_LARGE')).toEqual([]);
      const [rejected] = await rejectsByReason(run.db, 'INVALID_ATTRIBUTES');
      expect(rejected.raw._truncated).toBeUndefined();
      expect(rejected.raw.attributes).toBe(invalid.attributes);
      const [product] = await run.db.knex('products').where({ brand_code: 'BIG', sku: 'VALID' }).select('attributes');
      expect(product.attributes).toBe(valid.attributes);
      await expectOracleWithout(run.db, new Set());
    } finally {
      await run.close();
    }
  });
});

describe('failures on the connection', () => {
  /** Holds a row lock on a product from another session, so the batch's upsert waits for it. */
  async function lockProduct(sku: string) {
    const c = await createConnection({ ...server.settings(), database: undefined });
    await c.query('BEGIN');
    return {
      async lockIn(database: string) {
        await c.query(`SELECT id FROM \`${database}\`.products WHERE brand_code = 'OB' AND sku = ? FOR UPDATE`, [sku]);
      },
      release: () => c.end(),
    };
  }

  it('a connection killed mid-batch is retried on a new connection and the run completes equal to the oracle', async () => {
    const run = await setUp(ordinary(20), 64 * MB);
    try {
      await run.sync();
      await insertStaging(run.db.knex, [{ ...ordinary(1)[0], sku: 'K0', name: 'changed' }]);
      const lock = await lockProduct('K0');
      await lock.lockIn(run.db.settings.database);
      const result = run.sync();
      // Wait for the upsert to block on the lock, then kill that connection, as a DBA or a failover would.
      let killed = false;
      for (let i = 0; i < 100 && !killed; i++) {
        const [[list]] = (await server.admin(`SELECT id FROM information_schema.processlist WHERE db = '${run.db.settings.database}' AND info LIKE 'INSERT INTO products%'`)) as Array<Array<{ id: number }>>;
        if (list) {
          await server.admin(`KILL ${list.id}`);
          killed = true;
        } else await new Promise((r) => setTimeout(r, 100));
      }
      expect(killed).toBe(true);
      await lock.release();
      expect((await result).status).toBe('completed');
      await expectOracleWithout(run.db, new Set());
    } finally {
      await run.close();
    }
  });

  it('a batch that keeps failing on a reachable server stops after maxBatchAttempts with a message naming its staging rows', async () => {
    const run = await setUp(ordinary(20), 64 * MB, { maxBatchAttempts: 3 });
    const lock = await lockProduct('K1');
    try {
      await run.sync();
      const before = await snapshot(run.db.knex);
      await insertStaging(run.db.knex, [{ ...ordinary(1)[0], sku: 'K1', name: 'changed' }]);
      await lock.lockIn(run.db.settings.database);
      const err = await run.sync().then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(WorkflowFailedError);
      let cause = (err as WorkflowFailedError).cause as { cause?: unknown; type?: string; message: string } | undefined;
      while (cause?.cause) cause = cause.cause as typeof cause;
      expect(cause?.type).toBe(FailureType.BatchKeepsFailing);
      expect(cause?.message).toMatch(/failed 3 times in a row; the last error: Lock wait timeout exceeded.*SELECT \* FROM products_staging WHERE src_updated_at > '2026-02-01/);
      expect(await snapshot(run.db.knex)).toEqual(before);
    } finally {
      await lock.release();
      await run.close();
    }
  });
});
