import { intOption, parse } from '../args';
import { connectClient, loadTemporalSettings } from '../../temporal/connection';
import { ConfigError } from '../../errors';
import { parseDurationSeconds } from '../../shared/duration';
import { MAX_BATCH_SIZE, MIN_BATCH_SIZE, ProductSyncInput } from '../../workflows/definitions';
import { openDatabase } from '../context';
import { print, say } from '../output';
import { followSync, startSync } from '../startSync';
import { formatSummary } from '../summary';
import { withInProcessWorker } from '../withWorker';

const USAGE = 'product-etl sync [--limit N] [--resume | --no-resume] [--dry-run] [--lookback 15m] [--detach] [--with-worker] [--workflow-id ID]';

export function syncInputFromFlags(values: Record<string, unknown>): ProductSyncInput {
  const input: ProductSyncInput = {};
  const limit = intOption('limit', values.limit as string | undefined, MIN_BATCH_SIZE, MAX_BATCH_SIZE);
  if (limit !== undefined) input.batchSize = limit;
  if (values.resume !== undefined) input.resume = values.resume as boolean;
  if (values['dry-run']) input.dryRun = true;
  if (values.lookback !== undefined) {
    try {
      parseDurationSeconds(values.lookback as string);
    } catch (err) {
      throw new ConfigError(`--lookback: ${(err as Error).message}`);
    }
    input.lookback = values.lookback as string;
  }
  return input;
}

/** Starts productSyncWorkflow (workflow id product-sync) and, unless --detach, follows it to its summary. */
export async function syncCommand(argv: string[]): Promise<number> {
  const { values } = parse(argv, {
    limit: { type: 'string' },
    resume: { type: 'boolean' },
    'dry-run': { type: 'boolean' },
    lookback: { type: 'string' },
    detach: { type: 'boolean' },
    'with-worker': { type: 'boolean' },
    'workflow-id': { type: 'string' },
  }, USAGE);
  const input = syncInputFromFlags(values);
  if (values.detach && values['with-worker']) throw new ConfigError('--detach and --with-worker do not go together: the in-process worker stops when this command ends.');
  const settings = loadTemporalSettings();
  const client = await connectClient(settings);
  try {
    const run = async () => {
      const handle = await startSync(client, settings.taskQueue, input, values['workflow-id'] as string | undefined);
      say(`Started ${handle.workflowId} (run ${handle.firstExecutionRunId}) on task queue ${settings.taskQueue}.`);
      if (values.detach) {
        print(`Started workflow ${handle.workflowId}. Follow it with: npx product-etl status --follow`);
        return 0;
      }
      const summary = await followSync(handle, say);
      print(formatSummary(summary));
      return 0;
    };
    if (!values['with-worker']) return await run();
    const { knex } = await openDatabase();
    try {
      return await withInProcessWorker(settings, knex, client, run);
    } finally {
      await knex.destroy();
    }
  } finally {
    await client.connection.close();
  }
}
