/**
 * Structured logs (issue 10, item 5). A real `product-etl worker` process (the built CLI) serves runs started by real
 * CLI processes against the Temporal dev server and MariaDB; its stderr is parsed line by line: every line is one JSON
 * object; each committed batch has a line with the workflow id, the pipeline run id, the Temporal run id, the cursor
 * range and the counts, equal to what the batch ledger (etl_batch_log) recorded; the SDK's own lines, the native
 * core's and the workflow's (wf.log) are in the same stream. With LOG_FORMAT=json the CLI's stderr is JSON too, and its
 * stdout keeps the command's own output; LOG_FORMAT=pretty is for reading.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { formatCursor } from '../../src/domain/cursor';
import { cursorFromColumns } from '../../src/domain/cursor';
import { seedStaging } from '../../src/demo/seedStaging';
import { buildIfStale, ROOT, runCli } from '../support/builtCli';
import { NAMESPACE, TEMPORAL_ADDRESS, uniqueId } from '../support/temporalTestEnv';
import { createTestDatabase, TestDatabase } from '../support/testDatabase';

jest.setTimeout(240_000);

type Line = Record<string, unknown> & { level: string; time: string; msg: string };

/** A process of the built CLI with stdout and stderr kept apart. */
function startCli(args: string[], env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, [join(ROOT, 'bin/product-etl.js'), ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const out = { stdout: '', stderr: '' };
  child.stdout.on('data', (d: Buffer) => (out.stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out.stderr += d.toString()));
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  return { child, out, exited };
}

/** Every line of `text` parsed as JSON; a line that is not JSON fails the test with the line in the message. */
function jsonLines(where: string, text: string): Line[] {
  const lines = text.split('\n').filter((l) => l !== '');
  return lines.map((l) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(l);
    } catch {
      throw new Error(`${where}: a line that is not JSON: ${l}`);
    }
    expect(parsed).toEqual(expect.objectContaining({ level: expect.any(String), time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/), msg: expect.any(String) }));
    return parsed as Line;
  });
}

async function until(what: string, ready: () => boolean, timeoutMs = 90_000): Promise<void> {
  for (const end = Date.now() + timeoutMs; !ready(); await new Promise((r) => setTimeout(r, 100))) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
  }
}

let db: TestDatabase;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  buildIfStale();
  db = await createTestDatabase('logs');
  await seedStaging(db.knex, { rows: 2500, seed: 10 });
  env = { ...process.env, NO_COLOR: '1', TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE: NAMESPACE, PRODUCT_ETL_TASK_QUEUE: uniqueId('pe-logs'), DATABASE_URL: db.url };
  // The defaults are under test: JSON on a pipe, INFO for the worker.
  delete env.LOG_LEVEL;
  delete env.LOG_FORMAT;
  delete env.DEBUG;
});
afterAll(async () => {
  await db?.drop();
});

it('the worker writes JSON lines: a line per batch with the run ids, the range and the counts, the SDK, core and workflow lines in the same stream', async () => {
  const worker = startCli(['worker'], env);
  const id = uniqueId('logs-run');
  const json = { ...env, LOG_FORMAT: 'json' };
  try {
    await until('the worker to poll', () => worker.out.stderr.includes('Worker polling task queue'));
    // A run cancelled after its first batch (the workflow logs that), then one that reads the rest.
    const detached = await runCli(['sync', '--detach', '--batch-size', '100', '--workflow-id', id], env);
    expect(detached.code).toBe(0);
    await until('a first batch', () => worker.out.stderr.includes('"msg":"batch committed"'));
    const cancel = startCli(['cancel', '--wait', '--workflow-id', id], json);
    expect(await cancel.exited).toBe(0);
    expect(cancel.out.stdout).toMatch(new RegExp(`^Workflow ${id} \\(run \\S+\\) ended CANCELLED\\.`)); // its result, as text
    jsonLines('cancel (LOG_FORMAT=json)', cancel.out.stderr);

    const rest = startCli(['sync', '--batch-size', '1000', '--workflow-id', `${id}-rest`], json);
    expect(await rest.exited).toBe(0);
    // stdout: the command's own output, untouched; stderr: its messages (start, progress) as log lines.
    expect(rest.out.stdout).toMatch(/^Product sync completed\n/);
    const restLines = jsonLines('sync (LOG_FORMAT=json)', rest.out.stderr);
    expect(restLines.find((l) => /^Started /.test(l.msg))).toMatchObject({ level: 'info', component: 'cli' });
  } finally {
    worker.child.kill('SIGTERM');
  }
  expect(await worker.exited).toBe(0);
  expect(worker.out.stdout).toBe('');
  const lines = jsonLines('worker', worker.out.stderr);

  // Each committed batch: one line, equal to the ledger's record of it.
  const ledger = await db.knex('etl_batch_log').orderBy(['run_id', 'from_at', 'from_id']) as Array<Record<string, string | number>>;
  expect(ledger.length).toBeGreaterThanOrEqual(3); // at least one batch of the cancelled run, and those of the second
  const batches = lines.filter((l) => l.msg === 'batch committed');
  expect(batches).toHaveLength(ledger.length);
  for (const row of ledger) {
    const from = formatCursor(cursorFromColumns(String(row.from_at), row.from_id));
    const line = batches.find((b) => b.pipelineRunId === row.run_id && b.from === from);
    expect({ from, line }).toEqual({
      from,
      line: expect.objectContaining({
        level: 'info', component: 'activity', activityType: 'applyBatch',
        workflowId: row.workflow_id, pipelineRunId: row.run_id, runId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        from, to: formatCursor(cursorFromColumns(String(row.to_at), row.to_id)), rowsRead: row.rows_read,
        inserted: row.inserted, updated: row.updated, unchanged: row.unchanged, stale: row.stale, rejected: row.rejected,
        elapsedMs: expect.any(Number),
      }),
    });
  }
  // The two runs: the cancelled one's batches of 100, the other's of 1000, each under its own workflow id.
  expect(new Set(batches.map((b) => `${String(b.workflowId)} ${String(b.batchSize)}`))).toEqual(new Set([`${id} 100`, `${id}-rest 1000`]));
  expect(batches.reduce((n, b) => n + Number(b.rowsRead), 0)).toBe(ledger.reduce((n, r) => n + Number(r.rows_read), 0));

  // The worker's own lines, the SDK's, the native core's (forwarded) and the workflow's wf.log, in one stream.
  expect(lines.find((l) => l.msg.startsWith('Worker polling task queue'))).toMatchObject({ level: 'info', component: 'worker', taskQueue: env.PRODUCT_ETL_TASK_QUEUE });
  expect(lines.find((l) => l.sdkComponent === 'worker' && l.msg === 'Worker state changed')).toBeDefined();
  expect(lines.find((l) => l.sdkComponent === 'core')).toMatchObject({ target: expect.stringMatching(/^temporalio_sdk_core/) });
  expect(lines.find((l) => l.msg === 'product sync cancelled after the batch in flight')).toMatchObject({
    sdkComponent: 'workflow', workflowId: id, runId: batches.find((b) => b.workflowId === id)?.runId, workflowType: 'productSyncWorkflow',
  });
  expect(lines[lines.length - 1]).toMatchObject({ msg: 'Worker stopped.' });
});

it('LOG_FORMAT=pretty is for reading, not JSON; a bad LOG_FORMAT or LOG_LEVEL is a usage error that says what to set', async () => {
  const pretty = await runCli(['sync', '--with-worker', '--no-resume', '--batch-size', '1000', '--workflow-id', uniqueId('logs-pretty')], { ...env, LOG_FORMAT: 'pretty', LOG_LEVEL: 'INFO' });
  expect(pretty.code).toBe(0);
  // One line per event: time, level, message, then the fields.
  expect(pretty.out).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: Worker state changed \{"sdkComponent":"worker",.*"state":"RUNNING"\}$/m);
  expect(pretty.out).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: batch committed \{"component":"activity",.*"pipelineRunId":"[0-9a-f-]{36}".*"rowsRead":\d+/m);
  expect(pretty.out).not.toContain('{"level"');

  const badFormat = await runCli(['status'], { ...env, LOG_FORMAT: 'xml' });
  expect(badFormat).toEqual({ code: 2, out: expect.stringMatching(/^error: LOG_FORMAT="xml" is not a log format\.\n {2}Set LOG_FORMAT to json/) });
  const badLevel = await runCli(['worker'], { ...env, LOG_LEVEL: 'verbose' });
  expect(badLevel).toEqual({ code: 2, out: expect.stringMatching(/^error: LOG_LEVEL="verbose" is not a log level\.\n {2}Set LOG_LEVEL to one of TRACE, DEBUG, INFO, WARN, ERROR/) });
});
