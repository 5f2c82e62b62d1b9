import { Command, Option } from '@commander-js/extra-typings';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Knex } from 'knex';
import { describeDatabase, parseDatabaseUrl } from '../../db/databaseUrl';
import { RejectFilter, rejectQueries, RunRange } from '../../db/stores/rejectQueries';
import { rejectRetentionStore } from '../../db/stores/rejectRetentionStore';
import { formatCursor } from '../../domain/cursor';
import { ConfigError, NotFoundError } from '../../errors';
import { formatSeconds, parseDurationSeconds } from '../../shared/duration';
import { formatCount } from '../../shared/format';
import { act, AddCommand, OptionsOf, wholeNumberArg } from '../command';
import { openDatabase } from '../context';
import { csvHeader, csvRow, jsonRow } from '../format/rejectsExport';
import { print, say } from '../output';

const SELECTION_HELP =
  '\nWhich rejects: by default those of the staging rows the last run read (the cursor range of its committed batches),\n' +
  'also the ones an earlier run recorded first (a reject is kept once per row version and reason). --run picks\n' +
  'another run (its pipeline run id, or a workflow id); --since picks by when they were first recorded instead.\n' +
  'A fixed row comes back by itself: the upstream update gives it a new src_updated_at, and the next sync reads it.\n';

const selectionOptions = <C extends Command>(cmd: C) =>
  cmd
    .option('--run <id>', 'the rejects of the staging rows this run read: a pipeline run id or a workflow id (default: the last run)')
    .option('--since <duration>', 'instead of a run: rejects first recorded within this long, e.g. 24h, 7d (created_at, the database clock)');

const defineSummary = (parent: Command) =>
  selectionOptions(parent.command('summary', { isDefault: true }).description('rejects by reason code for the last run (the default of `rejects`)'))
    .addHelpText('after', SELECTION_HELP);

const defineList = (parent: Command) =>
  selectionOptions(parent.command('list').description('list rejects: staging id, brand, sku, reason, field, message'))
    .option('--reason <code>', 'only this reason code, e.g. INVALID_PRICE')
    .option('--limit <n>', 'at most this many', wholeNumberArg('--limit', 1, 1_000_000), 50)
    .addHelpText('after', SELECTION_HELP);

const defineExport = (parent: Command) =>
  selectionOptions(parent.command('export').description('write rejects as CSV or JSON, with the raw staging row, for the upstream team'))
    .addOption(new Option('--format <format>', 'csv (RFC 4180, header row) or json (an array)').choices(['csv', 'json'] as const).default('csv' as const))
    .option('--reason <code>', 'only this reason code, e.g. INVALID_PRICE')
    .option('--limit <n>', 'at most this many (default: all)', wholeNumberArg('--limit', 1, Number.MAX_SAFE_INTEGER))
    .option('--out <file>', 'write to this file (default: stdout)')
    .addHelpText('after', SELECTION_HELP + '\nColumns: staging_id, brand_code, sku, reason_code, field, message, src_updated_at, created_at, raw_row (JSON text).\n' +
      'Example: npx product-etl rejects export --reason INVALID_PRICE --out rejects.csv');

const definePrune = (parent: Command) =>
  parent
    .command('prune')
    .description('delete reject rows recorded longer ago than --older-than (the retention setting)')
    .requiredOption('--older-than <duration>', 'age by created_at on the database clock, e.g. 30d, 12h')
    .option('--dry-run', 'only count what would be deleted')
    .addHelpText('after', '\nNeeds DELETE on product_etl_reject, which the sync user does not have: run it as the migrations user.\n' +
      'Example, daily from cron: npx product-etl rejects prune --older-than 30d');

/** `rejects summary|list|export|prune`: triage and retention of product_etl_reject (docs/operations.md, "Rejects"). */
export const addRejectsCommand: AddCommand = (program, exit) => {
  const rejects = program.command('rejects').description('the quarantine table product_etl_reject: rejects by reason, list, export, retention');
  defineSummary(rejects).action(act(exit, summary));
  defineList(rejects).action(act(exit, list));
  defineExport(rejects).action(act(exit, exportRejects));
  definePrune(rejects).action(act(exit, prune));
};

function positiveSeconds(flag: string, text: string, zeroMeans: string): number {
  let seconds: number;
  try {
    seconds = parseDurationSeconds(text);
  } catch (err) {
    throw new ConfigError(`${flag}: ${(err as Error).message}`);
  }
  if (seconds <= 0) throw new ConfigError(`${flag} must be more than 0: ${zeroMeans}`);
  return seconds;
}

interface Selection {
  filter: RejectFilter;
  /** What was selected, in words. */
  label: string;
}

function describeRun(r: RunRange): string {
  return `run ${r.runId} (workflow ${r.workflowId}, last batch ${r.lastCommittedAt}): staging rows after ${formatCursor(r.from)} up to ${formatCursor(r.to)}, ${formatCount(r.rowsRead)} read`;
}

async function select(knex: Knex, o: { run?: string; since?: string; reason?: string }): Promise<Selection | undefined> {
  if (o.run !== undefined && o.since !== undefined) throw new ConfigError('--run and --since select differently; give one of them');
  const reason = o.reason === undefined ? {} : { reason: o.reason };
  if (o.since !== undefined) {
    const seconds = positiveSeconds('--since', o.since, 'it would select nothing.');
    const cutoff = await rejectRetentionStore.cutoff(knex, seconds);
    return { filter: { createdSince: cutoff, ...reason }, label: `Rejects recorded since ${cutoff} (the last ${formatSeconds(seconds)})` };
  }
  const run = o.run !== undefined ? await rejectQueries.run(knex, o.run) : await rejectQueries.lastRun(knex);
  if (!run) {
    if (o.run !== undefined) throw new NotFoundError(`no committed batch of a run or workflow "${o.run}" in etl_batch_log`, 'Give the workflow id that `sync` or `status` printed, or a pipeline run id (etl_batch_log.run_id); or select with --since.');
    return undefined;
  }
  return { filter: { range: { from: run.from, to: run.to }, ...reason }, label: `Rejects of the ${o.run === undefined ? 'last ' : ''}${describeRun(run)}` };
}

async function withDb<T>(run: (knex: Knex, where: string) => Promise<T>): Promise<T> {
  const settings = parseDatabaseUrl();
  const { knex } = await openDatabase(settings);
  try {
    return await run(knex, describeDatabase(settings));
  } finally {
    await knex.destroy();
  }
}

const NO_RUN = (where: string) => `No run has read staging rows yet in ${where}: nothing to show. (--since selects by when rejects were recorded.)`;

async function summary(o: OptionsOf<typeof defineSummary>): Promise<number> {
  return withDb(async (knex, where) => {
    const sel = await select(knex, o);
    if (!sel) {
      print(NO_RUN(where));
      return 0;
    }
    const counts = await rejectQueries.countByReason(knex, sel.filter);
    const total = counts.reduce((s, c) => s + c.rejects, 0);
    print(sel.label);
    if (total === 0) {
      print('  none');
      return 0;
    }
    const width = Math.max(6, ...counts.map((c) => c.reason_code.length));
    const numWidth = Math.max(7, formatCount(total).length);
    print(`  ${'reason'.padEnd(width)}  ${'rejects'.padStart(numWidth)}  fields`);
    for (const c of counts) print(`  ${c.reason_code.padEnd(width)}  ${formatCount(c.rejects).padStart(numWidth)}  ${c.fields}`);
    print(`  ${'total'.padEnd(width)}  ${formatCount(total).padStart(numWidth)}`);
    const flags = o.run !== undefined ? ` --run ${o.run}` : o.since !== undefined ? ` --since ${o.since}` : '';
    print(`  list them:   npx product-etl rejects list${flags} --reason ${counts[0].reason_code}`);
    print(`  export them: npx product-etl rejects export${flags} --format csv --out rejects.csv`);
    return 0;
  });
}

/** Cuts text to one line of at most n characters for the terminal; the export has the whole of it. */
function oneLine(text: string | null, n: number): string {
  const s = (text ?? '').replace(/[\r\n\t]+/g, ' ');
  return s.length > n ? s.slice(0, n - 1) + '…' : s;
}

async function list(o: OptionsOf<typeof defineList>): Promise<number> {
  return withDb(async (knex, where) => {
    const sel = await select(knex, o);
    if (!sel) {
      print(NO_RUN(where));
      return 0;
    }
    const rows = await rejectQueries.page(knex, sel.filter, '0', o.limit + 1);
    const shown = rows.slice(0, o.limit);
    print(`${sel.label}${o.reason ? `, reason ${o.reason}` : ''}`);
    if (shown.length === 0) {
      print('  none');
      return 0;
    }
    const cols = ['staging_id', 'brand_code', 'sku', 'reason_code', 'field', 'src_updated_at', 'message'] as const;
    const cells = shown.map((r) => cols.map((c) => oneLine(r[c], c === 'message' ? 100 : 40)));
    const widths = cols.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i].length)));
    const line = (row: readonly string[]) => '  ' + row.map((v, i) => (i === row.length - 1 ? v : v.padEnd(widths[i]))).join('  ');
    print(line(cols));
    for (const row of cells) print(line(row));
    if (rows.length > o.limit) print(`  (first ${formatCount(o.limit)}; more with --limit, all of them with \`rejects export\`)`);
    return 0;
  });
}

const PAGE = 1000;

async function exportRejects(o: OptionsOf<typeof defineExport>): Promise<number> {
  return withDb(async (knex, where) => {
    const sel = await select(knex, o);
    const out = o.out !== undefined ? createWriteStream(o.out) : process.stdout;
    if (o.out !== undefined) {
      try {
        await once(out, 'open');
      } catch (err) {
        throw new ConfigError(`--out ${o.out}: ${(err as Error).message}`);
      }
    }
    const write = async (text: string) => {
      if (!out.write(text)) await once(out, 'drain');
    };
    let written = 0;
    if (o.format === 'csv') await write(csvHeader());
    else await write('[');
    if (sel) {
      let after = '0';
      const limit = o.limit ?? Infinity;
      while (written < limit) {
        const rows = await rejectQueries.page(knex, sel.filter, after, Math.min(PAGE, limit - written));
        for (const r of rows) {
          await write(o.format === 'csv' ? csvRow(r) : `${written === 0 ? '\n' : ',\n'}${jsonRow(r)}`);
          written++;
        }
        if (rows.length === 0) break;
        after = rows[rows.length - 1].id;
      }
    }
    if (o.format === 'json') await write(written === 0 ? ']\n' : '\n]\n');
    if (o.out !== undefined) {
      out.end();
      await once(out, 'finish');
    }
    // stderr, so that stdout holds only the export.
    say(sel ? `Exported ${formatCount(written)} reject(s) (${o.format}): ${sel.label}${o.reason ? `, reason ${o.reason}` : ''}${o.out !== undefined ? ` to ${o.out}` : ''}.` : NO_RUN(where));
    return 0;
  });
}

async function prune(o: OptionsOf<typeof definePrune>): Promise<number> {
  const seconds = positiveSeconds('--older-than', o.olderThan, 'it would delete every reject row.');
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
