/**
 * Secrets (issue 5, item 4). The database password (a distinctive string with URL-reserved characters) and a fake TLS
 * client key and API key are given to real command-line processes, on the success paths and the failure paths
 * (wrong password, unreachable port, malformed URL, TLS handshake to a plain server, a run that fails on a missing
 * grant, a cancelled run). None of them may appear in the processes' stdout or stderr, in error objects, or anywhere
 * Temporal keeps a run: input, result, memo, search attributes, metadata, and the full history with payloads decoded.
 * The logs are part of that output, at DEBUG: JSON lines (a pipe's default, and LOG_FORMAT=json for the errors) and
 * the pretty form (LOG_FORMAT=pretty), the SDK's and the native core's lines forwarded into them.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { inspect } from 'node:util';
import type { Client } from '@temporalio/client';
import { checkConnection, createKnex } from '../../src/db/connection';
import { parseDatabaseUrl } from '../../src/db/databaseUrl';
import { seedStaging } from '../../src/demo/seedStaging';
import { progressQuery } from '../../src/workflows/definitions';
import { buildIfStale, ROOT } from '../support/builtCli';
import { connectTestClient, NAMESPACE, TEMPORAL_ADDRESS, uniqueId } from '../support/temporalTestEnv';
import { createTestDatabase, insertStaging, TestDatabase } from '../support/testDatabase';

jest.setTimeout(240_000);

const marker = randomBytes(12).toString('hex');
const PASSWORD = `Pw:${marker}@/%?#&'`;
const WRONG_PASSWORD = `Wrong-${randomBytes(12).toString('hex')}`;
const TLS_KEY = `-----BEGIN PRIVATE KEY-----\nFAKEKEY${randomBytes(16).toString('hex')}\n-----END PRIVATE KEY-----\n`;
const TLS_CERT = '-----BEGIN CERTIFICATE-----\nFAKECERT\n-----END CERTIFICATE-----\n';
const API_KEY = `apikey-${randomBytes(12).toString('hex')}`;

/** Every form in which a leak could show: as given, URL-encoded, base64, and the random core alone. */
const SECRETS: Record<string, string> = {
  password: PASSWORD,
  'password (URL-encoded)': encodeURIComponent(PASSWORD),
  'password (base64)': Buffer.from(PASSWORD).toString('base64'),
  'password (random core)': marker,
  'wrong password': WRONG_PASSWORD,
  'TLS key': TLS_KEY.split('\n')[1],
  'API key': API_KEY,
};

function expectNoSecret(where: string, text: string): void {
  expect(text.length).toBeGreaterThan(0);
  const found = Object.entries(SECRETS).filter(([, value]) => text.includes(value)).map(([name]) => name);
  expect({ where, found }).toEqual({ where, found: [] });
}

/**
 * Every string in `value`, with byte fields (payload data, memo, search attributes) decoded as UTF-8 text. A walk of
 * the objects themselves, not JSON.stringify: protobuf messages' toJSON would turn the bytes into base64 first.
 */
function searchable(value: unknown): string {
  const parts: string[] = [];
  const seen = new Set<object>();
  const walk = (v: unknown): void => {
    if (v === null || v === undefined) return;
    // isView, not instanceof: the SDK's Buffers come from outside Jest's sandbox, whose Uint8Array is another one.
    if (ArrayBuffer.isView(v)) parts.push(Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('utf8'));
    else if (typeof v === 'object') {
      if (seen.has(v)) return;
      seen.add(v);
      for (const [k, child] of Object.entries(v)) {
        parts.push(k);
        walk(child);
      }
    } else parts.push(String(v));
  };
  walk(value);
  return parts.join('\n');
}

/** Every line of a process's output parsed as a JSON log line: a line that is not one fails the test. */
function jsonLines(out: string): Array<Record<string, unknown>> {
  return out.split('\n').filter((l) => l !== '').map((l) => {
    try {
      return JSON.parse(l) as Record<string, unknown>;
    } catch {
      throw new Error(`not a JSON log line: ${l}`);
    }
  });
}

interface Run { code: number | null; out: string }
const outputs: Array<{ where: string; out: string }> = [];

function start(args: string[], env: NodeJS.ProcessEnv): { child: ChildProcess; done: Promise<Run>; output(): string } {
  const child = spawn(process.execPath, [join(ROOT, 'bin/product-etl.js'), ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const done = new Promise<Run>((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 180_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      outputs.push({ where: `product-etl ${args.join(' ')}`, out });
      resolve({ code, out });
    });
  });
  return { child, done, output: () => out };
}

async function until(what: string, ready: () => Promise<boolean> | boolean, timeoutMs = 60_000): Promise<void> {
  for (const end = Date.now() + timeoutMs; Date.now() < end; await new Promise((r) => setTimeout(r, 200))) {
    if (await ready()) return;
  }
  throw new Error(`timed out waiting for ${what}`);
}
const cli = (args: string[], env: NodeJS.ProcessEnv): Promise<Run> => start(args, env).done;

describe('secrets stay secret', () => {
  let db: TestDatabase;
  let client: Client;
  const users: string[] = [];
  const runs = { completed: uniqueId('secrets-ok'), cancelled: uniqueId('secrets-cancel'), failed: uniqueId('secrets-fail') };
  let url: (password: string, user?: string, port?: number) => string;
  /** What every spawned process gets: the password in DATABASE_URL, and TLS and API keys that TLS=false leaves unused. */
  let env: (over: Record<string, string>) => NodeJS.ProcessEnv;

  beforeAll(async () => {
    buildIfStale();
    db = await createTestDatabase('secrets', { migrate: false });
    client = await connectTestClient();
    const user = `pe_sec_${randomBytes(3).toString('hex')}`;
    // One user migrates and syncs; a second, with the same password, lacks INSERT on product_etl_reject.
    await db.knex.raw("CREATE USER ?@'%' IDENTIFIED BY ?", [user, PASSWORD]);
    await db.knex.raw("CREATE USER ?@'%' IDENTIFIED BY ?", [`${user}_r`, PASSWORD]);
    users.push(user, `${user}_r`);
    await db.knex.raw("GRANT ALL PRIVILEGES ON ??.* TO ?@'%'", [db.settings.database, user]);
    url = (password, u = user, port = db.settings.port) => `mysql://${u}:${encodeURIComponent(password)}@${db.settings.host}:${port}/${db.settings.database}`;
    env = (over) => ({
      ...process.env, TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE: NAMESPACE, PRODUCT_ETL_TASK_QUEUE: uniqueId('pe-secrets'), DATABASE_URL: url(PASSWORD),
      TEMPORAL_TLS: 'false', TEMPORAL_TLS_CLIENT_KEY_DATA: TLS_KEY, TEMPORAL_TLS_CLIENT_CERT_DATA: TLS_CERT, TEMPORAL_API_KEY: API_KEY,
      LOG_LEVEL: 'DEBUG', DEBUG: '1', ...over,
    });
    await seedStaging(db.knex, { rows: 3000, seed: 4 });
  });
  afterAll(async () => {
    for (const u of users) await db.knex.raw("DROP USER IF EXISTS ?@'%'", [u]);
    await client?.connection.close();
    await db?.drop();
  });

  it('migrate, a standalone worker, sync --with-worker, a cancelled run and a failed run: none prints a secret', async () => {
    expect(await cli(['migrate'], env({}))).toMatchObject({ code: 0, out: expect.stringContaining('Applied') });

    // A standalone worker serves a detached run that is cancelled after a few batches (its summary goes in the memo).
    const workerEnv = env({});
    const worker = start(['worker'], workerEnv);
    try {
      await until('the worker to poll', () => worker.output().includes('Worker polling task queue'));
      expect(await cli(['sync', '--detach', '--limit', '1', '--workflow-id', runs.cancelled], workerEnv)).toMatchObject({ code: 0 });
      // Cancelled mid-run, after a few committed batches, so its history has every kind of activity in it.
      const progress = () => client.workflow.getHandle(runs.cancelled).query(progressQuery).catch(() => undefined);
      await until('a few batches', async () => ((await progress())?.batchesDone ?? 0) >= 3);
      expect(await cli(['cancel', '--wait', '--workflow-id', runs.cancelled], workerEnv)).toMatchObject({ code: 0, out: expect.stringContaining('Cancelled') });
    } finally {
      worker.child.kill('SIGTERM');
    }
    // The worker's output is JSON log lines (stderr is a pipe), at DEBUG: the SDK's, the core's and each batch's.
    const workerLines = jsonLines((await worker.done).out);
    expect(workerLines.find((l) => String(l.msg).startsWith('Worker polling task queue'))).toBeDefined();
    expect(workerLines.filter((l) => l.msg === 'batch committed').length).toBeGreaterThanOrEqual(3);
    expect(new Set(workerLines.map((l) => l.sdkComponent))).toEqual(expect.objectContaining(new Set(['worker', 'core', 'workflow'])));

    // The human-readable form, at DEBUG, of a whole run with its in-process worker.
    const ok = await cli(['sync', '--with-worker', '--workflow-id', runs.completed], env({ LOG_FORMAT: 'pretty' }));
    expect(ok).toMatchObject({ code: 0, out: expect.stringContaining('Product sync completed') });
    expect(ok.out).toMatch(/^\[[\d:.]+\] DEBUG: /m);
    expect(ok.out).toMatch(/^\[[\d:.]+\] INFO: batch committed \{/m);

    // A grant missing: the run fails in Temporal with AccessDenied, and the message travels back to the command line.
    const restricted = users[1];
    for (const t of ['products_staging', 'products', 'product_change_log', 'etl_watermark', 'etl_batch_log', 'etl_run_lock']) {
      await db.knex.raw(`GRANT ${t === 'products_staging' ? 'SELECT' : 'SELECT, INSERT, UPDATE, DELETE'} ON ??.?? TO ?@'%'`, [db.settings.database, t, restricted]);
    }
    await insertStaging(db.knex, [{ brand_code: 'b', sku: 's', name: 'rejected', price: 'N/A', src_updated_at: '2030-01-01 00:00:00' }]);
    const failed = await cli(['sync', '--with-worker', '--workflow-id', runs.failed], env({ DATABASE_URL: url(PASSWORD, restricted) }));
    // The reject insert ends ON DUPLICATE KEY UPDATE, so the server names both privileges the statement needs.
    expect(failed).toMatchObject({ code: 4, out: expect.stringContaining('INSERT, UPDATE command denied') }); // exit 4: the run failed
  });

  it('the failure paths: wrong password, unreachable port, malformed URL, TLS to a plain server', async () => {
    const wrong = env({ DATABASE_URL: url(WRONG_PASSWORD) });
    for (const args of [['migrate'], ['sync', '--with-worker'], ['worker']]) {
      expect(await cli(args, wrong)).toMatchObject({ code: 3, out: expect.stringContaining('refused user') }); // 3: cannot connect
    }
    // The same failures as JSON log lines: the error's message and hint are fields, and hold no secret either.
    for (const args of [['sync', '--with-worker'], ['worker']]) {
      const r = await cli(args, { ...wrong, LOG_FORMAT: 'json' });
      expect(r.code).toBe(3);
      expect(jsonLines(r.out).find((l) => l.level === 'error')).toMatchObject({ exitCode: 3, msg: expect.stringContaining('refused user'), hint: expect.any(String) });
    }
    const unreachable = env({ DATABASE_URL: url(PASSWORD, users[0], 1) });
    for (const args of [['migrate'], ['sync', '--with-worker']]) {
      expect(await cli(args, unreachable)).toMatchObject({ code: 3, out: expect.stringContaining('Cannot reach MySQL at 127.0.0.1:1') });
    }
    const malformed = env({ DATABASE_URL: url(PASSWORD).replace(`:${db.settings.port}/`, ':notaport/') });
    expect(await cli(['migrate'], malformed)).toMatchObject({ code: 2, out: expect.stringContaining('not a valid URL') });
    // TLS on (TEMPORAL_TLS unset): the fake key and certificate are loaded and the handshake with the plain server fails.
    const tls = env({ TEMPORAL_TLS: '' });
    delete tls.TEMPORAL_TLS;
    expect(await cli(['sync', '--with-worker'], tls)).toMatchObject({ code: 3, out: expect.stringContaining('Cannot reach the Temporal server') });
  });

  it('no captured output of any of those processes holds a secret', () => {
    expect(() => expectNoSecret('control', `DATABASE_URL=${encodeURIComponent(PASSWORD)}`)).toThrow(); // the check can fail
    expect(outputs.length).toBeGreaterThanOrEqual(15);
    for (const { where, out } of outputs) expectNoSecret(where, out);
  });

  it('error objects, causes included, hold no secret', async () => {
    for (const [label, password, port] of [['wrong password', WRONG_PASSWORD, db.settings.port], ['unreachable port', PASSWORD, 1]] as const) {
      const settings = parseDatabaseUrl(url(password, users[0], port));
      const knex = createKnex(settings);
      try {
        const err = await checkConnection(knex, settings).then(() => undefined, (e: unknown) => e);
        expect(err).toBeInstanceOf(Error);
        expectNoSecret(`${label}: error`, inspect(err, { depth: 20 }) + String((err as Error).stack));
      } finally {
        await knex.destroy();
      }
    }
    const malformed = (() => {
      try {
        return parseDatabaseUrl(url(PASSWORD).replace(/:\d+\//, ':notaport/'));
      } catch (e) {
        return e;
      }
    })();
    expectNoSecret('malformed URL: error', inspect(malformed, { depth: 20 }));
  });

  it('Temporal holds no secret: inputs, results, memo, search attributes, metadata and the full histories', async () => {
    for (const [what, id] of Object.entries(runs)) {
      const handle = client.workflow.getHandle(id);
      const description = await handle.describe();
      expect({ what, status: description.status.name }).toEqual({ what, status: { completed: 'COMPLETED', cancelled: 'CANCELLED', failed: 'FAILED' }[what] });
      expectNoSecret(`${what}: describe (memo, search attributes, metadata)`, searchable(description.raw));
      expectNoSecret(`${what}: memo`, searchable(description.memo) + (what === 'cancelled' ? '' : ' (no memo)'));
      if (what === 'cancelled') expect(searchable(description.raw)).toContain('"status":"cancelled"'); // the summary in the memo
      expectNoSecret(`${what}: result or failure`, searchable(await handle.result().catch((e: unknown) => inspect(e, { depth: 20 }))));
      // Every run of the chain: a long run continues as new, and each run has a history of its own.
      const histories: string[] = [];
      for await (const execution of client.workflow.list({ query: `WorkflowId = '${id}'` })) {
        histories.push(searchable(await client.workflow.getHandle(id, execution.runId).fetchHistory()));
      }
      const history = histories.join('\n');
      expect(history).toContain('"lookbackSeconds":0'); // payloads are decoded: beginRun's input is readable
      expectNoSecret(`${what}: history`, history);
    }
  });
});
