/**
 * The foundation's round trip: a real worker on the real Temporal dev server runs a workflow whose activity queries
 * the real MariaDB. And with either service unreachable, the failure says where and what to do.
 */
import { checkConnection, createKnex } from '../../src/db/connection';
import { parseDatabaseUrl } from '../../src/db/databaseUrl';
import { DatabaseUnavailableError, TemporalUnavailableError } from '../../src/errors';
import { connectClient, loadTemporalSettings } from '../../src/temporal/connection';
import { createTestDatabase, TestDatabase } from '../support/testDatabase';
import { startTestWorker, TestWorker, uniqueId } from '../support/temporalTestEnv';

describe('stack round trip', () => {
  let db: TestDatabase;
  let w: TestWorker;
  beforeAll(async () => {
    db = await createTestDatabase('stack');
    w = await startTestWorker(db.knex);
  });
  afterAll(async () => {
    await w?.stop();
    await db?.drop();
  });

  it('runs a workflow whose activity queries MariaDB', async () => {
    await db.knex('products_staging').insert({ brand_code: 'B', sku: 'S', name: 'n', src_updated_at: '2026-01-01 00:00:00.000001' });
    const result = await w.client.workflow.execute('stackCheckWorkflow', { taskQueue: w.taskQueue, workflowId: uniqueId('stack-check'), args: [] });
    expect(result).toEqual({ database: db.settings.database, version: expect.stringMatching(/MariaDB|^\d+\.\d+/), stagingRows: 1 });
  });
});

describe('clear errors when a service is down', () => {
  it('names the MySQL host and port and what to do, without the password', async () => {
    const settings = parseDatabaseUrl('mysql://etl:s3cret-pw@127.0.0.1:1/belle_ai');
    const knex = createKnex(settings);
    try {
      const err = await checkConnection(knex, settings).then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(DatabaseUnavailableError);
      const e = err as DatabaseUnavailableError;
      expect(e.message).toContain('127.0.0.1:1');
      expect(e.hint).toMatch(/DATABASE_URL/);
      expect(`${e.message} ${e.hint}`).not.toContain('s3cret-pw');
    } finally {
      await knex.destroy();
    }
  });

  it('names the Temporal address and how to start or point at a server', async () => {
    const settings = loadTemporalSettings({ TEMPORAL_ADDRESS: '127.0.0.1:1', TEMPORAL_NAMESPACE: 'default' });
    const err = await connectClient(settings).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(TemporalUnavailableError);
    expect((err as TemporalUnavailableError).message).toContain('127.0.0.1:1');
    expect((err as TemporalUnavailableError).hint).toMatch(/dev-server start|TEMPORAL_ADDRESS/);
  });
});
