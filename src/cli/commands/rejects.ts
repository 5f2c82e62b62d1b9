import { Command } from '@commander-js/extra-typings';
import { describeDatabase, parseDatabaseUrl } from '../../db/databaseUrl';
import { rejectRetentionStore } from '../../db/stores/rejectRetentionStore';
import { ConfigError } from '../../errors';
import { formatSeconds, parseDurationSeconds } from '../../shared/duration';
import { act, AddCommand, OptionsOf } from '../command';
import { openDatabase } from '../context';
import { print } from '../output';

const define = (parent: Command) =>
  parent
    .command('prune')
    .description('delete reject rows recorded longer ago than --older-than (the retention setting)')
    .requiredOption('--older-than <duration>', 'age by created_at on the database clock, e.g. 30d, 12h')
    .option('--dry-run', 'only count what would be deleted')
    .addHelpText('after', '\nNeeds DELETE on product_etl_reject, which the sync user does not have: run it as the migrations user.\n' +
      'Example, daily from cron: npx product-etl rejects prune --older-than 30d');

/** `rejects prune`: retention for product_etl_reject (docs/operations.md, "Rejects"). */
export const addRejectsCommand: AddCommand = (program, exit) => {
  const rejects = program.command('rejects').description('the quarantine table product_etl_reject: retention');
  define(rejects).action(act(exit, prune));
};

function olderThanSeconds(text: string): number {
  let seconds: number;
  try {
    seconds = parseDurationSeconds(text);
  } catch (err) {
    throw new ConfigError(`--older-than: ${(err as Error).message}`);
  }
  if (seconds <= 0) throw new ConfigError('--older-than must be more than 0: it would delete every reject row.');
  return seconds;
}

async function prune(o: OptionsOf<typeof define>): Promise<number> {
  const seconds = olderThanSeconds(o.olderThan);
  const settings = parseDatabaseUrl();
  const { knex } = await openDatabase(settings);
  try {
    const cutoff = await rejectRetentionStore.cutoff(knex, seconds);
    const where = `reject rows created before ${cutoff} (older than ${formatSeconds(seconds)}) in ${describeDatabase(settings)}`;
    if (o.dryRun) {
      print(`Would delete ${(await rejectRetentionStore.countOlderThan(knex, cutoff)).toLocaleString('en-US')} ${where}.`);
      return 0;
    }
    print(`Deleted ${(await rejectRetentionStore.deleteOlderThan(knex, cutoff)).toLocaleString('en-US')} ${where}.`);
    return 0;
  } finally {
    await knex.destroy();
  }
}
