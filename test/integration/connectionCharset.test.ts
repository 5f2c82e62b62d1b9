import { ApplicationFailure } from '@temporalio/common';
import { createConnection } from 'mysql2';
import { createConnection as createPromiseConnection } from 'mysql2/promise';
import { classifyDatabaseError, FailureType } from '../../src/activities/failures';
import { createKnex } from '../../src/db/connection';
import type { DatabaseSettings } from '../../src/db/databaseUrl';
import { prepareSession, SESSION_CHECK, sessionProblem, SessionState, UnsafeSessionError } from '../../src/db/session';
import { stringLiteral } from '../../src/db/sql/literal';
import { startSync } from '../../src/client';
import { hostileRows } from '../support/hostileCorpus';
import { OwnMariaDb } from '../support/ownMariaDb';
import { actualState, expectedState } from '../support/syncHarness';
import { createTestDatabase, insertStaging, misattributedChanges, snapshot } from '../support/testDatabase';
import { startTestWorker, uniqueId } from '../support/temporalTestEnv';

/**
 * Issue: a server whose session character set is gbk, big5 or sjis turned the hand-built statements' `\'` into a
 * closed string (SQL injection). Every connection now sets utf8mb4 and reads it back; these tests set servers up the
 * way some DBAs do, on a MariaDB of the test's own, and check the hostile corpus lands byte for byte as on utf8mb4.
 */
jest.setTimeout(240_000);

const corpus = hostileRows();
const byStagingId = <T extends { staging_id: string }>(xs: T[]) => [...xs].sort((a, b) => Number(BigInt(a.staging_id) - BigInt(b.staging_id)));

/** Syncs the corpus into a fresh database on `server` (as `user` when given) and returns the tables. */
async function syncCorpus(server: DatabaseSettings, grantTo?: { user: string; password: string; admin: (sql: string) => Promise<unknown> }) {
  const db = await createTestDatabase('charset', { server });
  await insertStaging(db.knex, corpus);
  let knex = db.knex;
  if (grantTo) {
    await grantTo.admin(`GRANT ALL PRIVILEGES ON \`${db.settings.database}\`.* TO '${grantTo.user}'@'%'`);
    knex = createKnex({ ...db.settings, user: grantTo.user, password: grantTo.password });
  }
  const worker = await startTestWorker(knex);
  try {
    const summary = await (await startSync(worker.client, worker.taskQueue, { batchSize: 7 }, uniqueId('charset'))).result();
    expect(summary.status).toBe('completed');
    const [session] = (await knex.raw(SESSION_CHECK))[0] as SessionState[];
    const expected = await expectedState(db.knex);
    const actual = await actualState(db.knex);
    expect(actual.products.size).toBe(expected.products.size);
    for (const [key, p] of expected.products) expect(actual.products.get(key)).toEqual(p);
    expect(byStagingId(actual.changes)).toEqual(byStagingId(expected.changes));
    expect(byStagingId(actual.rejects)).toEqual(byStagingId(expected.rejects));
    expect(await misattributedChanges(db.knex)).toBe(0);
    // Nothing the hostile tails asked for reached any table.
    const tables = await snapshot(db.knex);
    // (The corpus's text contains the tails themselves; what must not appear is what they would have read.)
    const leaked = JSON.stringify(tables).match(/\d+\.\d+\.\d+-MariaDB|mariadb\.sys/);
    expect(leaked?.[0]).toBeUndefined();
    const [[{ n }]] = await db.knex.raw("SELECT COUNT(*) AS n FROM product_change_log WHERE workflow_id = 'forged-wf' OR run_id = 'forged-run'");
    expect(Number(n)).toBe(0);
    return { summary, session, tables };
  } finally {
    await worker.stop();
    if (knex !== db.knex) await knex.destroy();
    await db.drop();
  }
}

/** How many corpus values do NOT survive a round trip with the old code's session (handshake charset only). */
async function valuesBrokenWithoutSetNames(port: number): Promise<number> {
  const c = await createPromiseConnection({ host: '127.0.0.1', port, user: 'root', charset: 'utf8mb4' });
  try {
    await c.query('CREATE DATABASE IF NOT EXISTS scratch CHARACTER SET utf8mb4 COLLATE utf8mb4_bin');
    await c.query('CREATE TABLE IF NOT EXISTS scratch.t (v LONGTEXT) CHARACTER SET utf8mb4');
    const values = corpus.flatMap((r) => [r.brand_code, r.sku, r.name, r.category, r.price, r.status, r.attributes, r.tags]).filter((v): v is string => !!v && /[^\x00-\x7f]/.test(v));
    let broken = 0;
    for (const v of values) {
      await c.query('DELETE FROM scratch.t');
      try {
        await c.query(`INSERT INTO scratch.t (v) VALUES (${stringLiteral(v)})`);
        const [rows] = await c.query('SELECT v FROM scratch.t');
        if ((rows as Array<{ v: string }>).map((r) => r.v).join('\n') !== v) broken++;
      } catch {
        broken++;
      }
    }
    return broken;
  } finally {
    await c.end();
  }
}

describe('connections on a server whose character set is not utf8mb4', () => {
  let server: OwnMariaDb;
  let baseline: Awaited<ReturnType<typeof syncCorpus>>;

  beforeAll(async () => {
    server = await OwnMariaDb.create();
    // The same corpus on the shared utf8mb4 server is what every other set-up must give.
    baseline = await syncCorpus((await import('../support/testDatabase')).testServer());
    expect(baseline.summary.counts.rejected).toBeGreaterThan(0);
    expect(baseline.summary.counts.inserted).toBeGreaterThan(0);
    expect(baseline.summary.counts.updated).toBeGreaterThan(0);
  });
  afterAll(async () => server?.destroy());

  it.each(['gbk', 'big5', 'sjis'])('--character-set-server=%s --skip-character-set-client-handshake: the corpus lands byte for byte as on utf8mb4', async (charset) => {
    await server.start([`--character-set-server=${charset}`, '--skip-character-set-client-handshake']);
    const [[plain]] = (await server.admin('SELECT @@character_set_client AS c')) as Array<Array<{ c: string }>>;
    expect(plain.c).toBe(charset);
    // The corpus really is hostile here: with the handshake's charset alone, values are mangled or statements break.
    expect(await valuesBrokenWithoutSetNames(server.port)).toBeGreaterThan(0);

    const result = await syncCorpus(server.settings());
    expect(result.session).toMatchObject({ character_set_client: 'utf8mb4', character_set_connection: 'utf8mb4', character_set_results: 'utf8mb4' });
    expect(result.summary.counts).toEqual(baseline.summary.counts);
    expect(result.tables).toEqual(baseline.tables);
  });

  it("init_connect='SET NAMES gbk' for a user without SUPER: the session is set back to utf8mb4 and nothing becomes '?'", async () => {
    await server.start(['--init-connect=SET NAMES gbk']);
    await server.admin("CREATE USER IF NOT EXISTS 'etl'@'%' IDENTIFIED BY 'etl-pw'");
    const probe = await createPromiseConnection({ host: '127.0.0.1', port: server.port, user: 'etl', password: 'etl-pw', charset: 'utf8mb4' });
    const [[before]] = (await probe.query('SELECT @@character_set_client AS c')) as unknown as Array<Array<{ c: string }>>;
    await probe.end();
    expect(before.c).toBe('gbk');
    const result = await syncCorpus(server.settings(), { user: 'etl', password: 'etl-pw', admin: (sql) => server.admin(sql) });
    expect(result.session.character_set_client).toBe('utf8mb4');
    expect(result.tables).toEqual(baseline.tables);
  });

  it('a session that is not utf8mb4 after set-up is refused with a message naming the variable, and the failure is not retried', async () => {
    await server.start([`--character-set-server=gbk`, '--skip-character-set-client-handshake']);
    const conn = createConnection({ host: '127.0.0.1', port: server.port, user: 'root', charset: 'utf8mb4' });
    try {
      await prepareSession(conn);
      // What a proxy or an init_connect after ours would do.
      await new Promise<void>((resolve, reject) => conn.query('SET character_set_results = gbk', (err) => (err ? reject(err) : resolve())));
      const state = await new Promise<SessionState>((resolve, reject) => conn.query(SESSION_CHECK, (err, rows) => (err ? reject(err) : resolve((rows as SessionState[])[0]))));
      const problem = sessionProblem(state);
      expect(problem).toBeInstanceOf(UnsafeSessionError);
      expect(problem!.variable).toBe('character_set_results');
      expect(problem!.message).toMatch(/character_set_results is gbk .*not utf8mb4.*Nothing was written.*init_connect/);
      const failure = classifyDatabaseError(problem);
      expect(failure).toBeInstanceOf(ApplicationFailure);
      expect((failure as ApplicationFailure).nonRetryable).toBe(true);
      expect((failure as ApplicationFailure).type).toBe(FailureType.UnsafeConnection);
    } finally {
      conn.destroy();
    }
    expect(sessionProblem({ character_set_client: 'utf8mb4', character_set_connection: 'utf8mb4', character_set_results: 'utf8mb4', sql_mode: 'STRICT_TRANS_TABLES,NO_BACKSLASH_ESCAPES', max_allowed_packet: 1 })?.variable).toBe('sql_mode');
    expect(sessionProblem({ character_set_client: 'utf8mb4', character_set_connection: 'utf8mb4', character_set_results: null, sql_mode: '', max_allowed_packet: 1 })?.variable).toBe('character_set_results');
  });
});
