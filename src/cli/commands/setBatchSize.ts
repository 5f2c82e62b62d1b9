import { isGrpcDeadlineError, WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import { ConfigError } from '../../errors';
import { connectClient, loadTemporalSettings } from '../../temporal/connection';
import { setBatchSizeUpdate } from '../../workflows/definitions';
import { parse } from '../args';
import { print } from '../output';
import { findSyncRun, requireRunning, workflowIdOf } from './status';

const USAGE = 'product-etl set-batch-size N [--workflow-id ID]';
const UPDATE_TIMEOUT_MS = 30_000;

/**
 * Executes the `setBatchSize` update; the new size applies from the next batch. Any number is sent as typed so
 * the workflow's own validator decides (the same words the UI shows); a refusal leaves the run untouched.
 */
export async function setBatchSizeCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { 'workflow-id': { type: 'string' } }, USAGE, true);
  if (positionals.length !== 1) throw new ConfigError('set-batch-size takes exactly one value, the new batch size.', `Usage: ${USAGE}`);
  const text = positionals[0].trim();
  // Only text that is not a number at all is refused here: JSON would turn it into null and hide what was typed.
  const size = Number(text);
  if (text === '' || !Number.isFinite(size)) throw new ConfigError(`batch size must be a number (got "${positionals[0]}")`, `Usage: ${USAGE}`);
  const client = await connectClient(loadTemporalSettings());
  try {
    const run = await findSyncRun(client, workflowIdOf(values));
    requireRunning(run, 'change');
    let previous: number;
    try {
      previous = await client.withDeadline(Date.now() + UPDATE_TIMEOUT_MS, () => run.handle.executeUpdate(setBatchSizeUpdate, { args: [size] }));
    } catch (err) {
      if (err instanceof WorkflowUpdateFailedError) {
        throw new ConfigError(`The run refused the new batch size: ${err.cause?.message ?? err.message}`, 'The run goes on with its current batch size.', { cause: err });
      }
      if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError || isGrpcDeadlineError(err)) {
        throw new ConfigError(
          `No worker answered the update within ${UPDATE_TIMEOUT_MS / 1000}s: the batch size of ${run.description.workflowId} is unchanged for now (the server may still deliver the update when a worker picks the run up).`,
          `Start a worker on task queue ${run.description.taskQueue} with \`npx product-etl worker\`, then try again.`,
          { cause: err },
        );
      }
      throw err;
    }
    print(`Batch size of ${run.description.workflowId}: ${previous.toLocaleString('en-US')} -> ${size.toLocaleString('en-US')}, from its next batch.`);
    return 0;
  } finally {
    await client.connection.close();
  }
}
