/**
 * Ctrl-C works the first time on `sync` and `status --follow`: the command stops following at once, says that the
 * run goes on with the exact command to cancel it, and exits 130; the run is still running. Real `product-etl`
 * processes and a real SIGINT; the runs wait on a task queue no worker polls, so they outlive the command.
 */
import type { Client } from '@temporalio/client';
import { buildIfStale, spawnCli } from '../support/builtCli';
import { connectTestClient, TEMPORAL_ADDRESS, uniqueId } from '../support/temporalTestEnv';

jest.setTimeout(120_000);

let client: Client;
const env = { ...process.env, TEMPORAL_ADDRESS, PRODUCT_ETL_TASK_QUEUE: uniqueId('no-worker'), NO_COLOR: '1' };
const started: string[] = [];

beforeAll(async () => {
  buildIfStale();
  client = await connectTestClient();
});
afterAll(async () => {
  for (const id of started) await client.workflow.getHandle(id).terminate('test over').catch(() => undefined);
  await client?.connection.close();
});

async function interrupt(args: string[], ready: RegExp, id: string): Promise<string> {
  const cli = spawnCli(args, env);
  try {
    await cli.waitFor(ready);
    const sent = Date.now();
    cli.child.kill('SIGINT');
    expect(await cli.exited).toBe(130);
    expect(Date.now() - sent).toBeLessThan(10_000);
  } finally {
    cli.child.kill('SIGKILL'); // a no-op once it has exited
  }
  const out = cli.output();
  expect(out).toContain(`Stopped following. The run ${id} goes on in Temporal`);
  expect(out).toContain(`npx product-etl cancel --workflow-id ${id}`);
  expect(out).toContain(`npx product-etl status --follow --workflow-id ${id}`);
  expect(out).not.toMatch(/\n\s+at /);
  expect((await client.workflow.getHandle(id).describe()).status.name).toBe('RUNNING');
  return out;
}

it('sync: the first Ctrl-C stops following, exit 130, the run goes on', async () => {
  const id = uniqueId('ctrl-c-sync');
  started.push(id);
  // Once it follows, it says no worker answers (every 2 s without a terminal).
  await interrupt(['sync', '--workflow-id', id], /waiting for a worker/, id);
});

it('status --follow: the first Ctrl-C stops following, exit 130, the run goes on', async () => {
  const id = uniqueId('ctrl-c-status');
  started.push(id);
  await client.workflow.start('productSyncWorkflow', { taskQueue: env.PRODUCT_ETL_TASK_QUEUE, workflowId: id, args: [{}] });
  await interrupt(['status', '--follow', '--workflow-id', id], /waiting for a worker/, id);
});
