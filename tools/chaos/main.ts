/**
 * `npm run chaos -- [flags]`: the fault harness (docs/reliability.md). Exit status 0 only when nothing differs from
 * the oracle, 1 when something does, 2 for bad flags.
 */
import { parseArgs } from 'node:util';
import { UserFacingError } from '../../src/errors';
import { runChaos } from './harness';
import { ChaosOptions, DEFAULT_CHAOS_OPTIONS } from './options';
import { formatReport } from './report';

const USAGE = `npm run chaos -- [--rows N] [--batch-size N] [--kills N] [--freeze N] [--db-conn-kills N] [--db-restarts N]
                   [--temporal-restarts N] [--zombies N] [--concurrent-starts N] [--seed S] [--workers N] [--partitions K] [--keep] [--json]
  Runs the sync on its own MariaDB, Temporal dev server and worker processes while injecting faults, then checks
  every table against the oracle of spec section 6. --partitions K runs partitioned windows (docs/scaling.md). Defaults: the short version (${DEFAULT_CHAOS_OPTIONS.kills} kills, one of each other fault).
  The long version: --rows 30000 --batch-size 50 --kills 24 --freeze 2 --zombies 2 --db-conn-kills 3 --db-restarts 2 --temporal-restarts 2 --concurrent-starts 2`;

const COUNT_FLAGS = {
  kills: 'kills', freeze: 'freeze', 'db-conn-kills': 'dbConnKills', 'db-restarts': 'dbRestarts', 'temporal-restarts': 'temporalRestarts',
  zombies: 'zombies', 'concurrent-starts': 'concurrentStarts',
} as const;

class UsageError extends UserFacingError {}

function intFlag(name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) throw new UsageError(`--${name} must be a whole number from ${min} to ${max} (got "${value}")`);
  return Number(value);
}

function parseOptions(argv: string[]): { options: ChaosOptions; json: boolean } {
  const strings = Object.fromEntries(['rows', 'batch-size', 'seed', 'workers', 'partitions', ...Object.keys(COUNT_FLAGS)].map((k) => [k, { type: 'string' as const }]));
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args: argv, options: { ...strings, json: { type: 'boolean' }, keep: { type: 'boolean' } }, strict: true }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const str = (k: string) => values[k] as string | undefined;
  const o: ChaosOptions = {
    ...DEFAULT_CHAOS_OPTIONS,
    rows: intFlag('rows', str('rows'), 100, 5_000_000) ?? DEFAULT_CHAOS_OPTIONS.rows,
    batchSize: intFlag('batch-size', str('batch-size'), 1, 10_000) ?? DEFAULT_CHAOS_OPTIONS.batchSize,
    seed: intFlag('seed', str('seed'), 0, 2 ** 31) ?? DEFAULT_CHAOS_OPTIONS.seed,
    workers: intFlag('workers', str('workers'), 1, 8) ?? DEFAULT_CHAOS_OPTIONS.workers,
    partitions: intFlag('partitions', str('partitions'), 1, 32) ?? DEFAULT_CHAOS_OPTIONS.partitions,
    keep: values.keep === true,
  };
  for (const [flag, key] of Object.entries(COUNT_FLAGS)) o[key] = intFlag(flag, str(flag), 0, 1000) ?? DEFAULT_CHAOS_OPTIONS[key];
  return { options: o, json: values.json === true };
}

export async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`Usage: ${USAGE}\n`);
    return 0;
  }
  const say = (line: string) => process.stderr.write(line + '\n');
  // stdout carries the report only (--json must parse): libraries' console chatter (knex prints its connection
  // warnings with console.log while the harness restarts MariaDB) goes to stderr with the progress lines.
  const log = console.log;
  console.log = (...args: unknown[]) => console.error(...args);
  try {
    const { options, json } = parseOptions(argv);
    const report = await runChaos(options, { say });
    process.stdout.write((json ? JSON.stringify(report, null, 2) : formatReport(report)) + '\n');
    return report.ok ? 0 : 1;
  } catch (err) {
    if (!(err instanceof UserFacingError)) throw err;
    say(`error: ${err.message}`);
    if (err instanceof UsageError) say(`Usage: ${USAGE}`);
    else if (err.hint) say(`  ${err.hint}`);
    return 2;
  } finally {
    console.log = log;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    // Exit once stdout has drained, so a piped --json report is never cut short.
    (code) => process.stdout.write('', () => process.exit(code)),
    (err: unknown) => {
      process.stderr.write(`error: ${(err as Error).stack ?? String(err)}\n`);
      process.exit(1);
    },
  );
}
