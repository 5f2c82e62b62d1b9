import { runChaos } from '../../chaos/harness';
import { ChaosOptions, DEFAULT_CHAOS_OPTIONS } from '../../chaos/options';
import { formatReport } from '../../chaos/report';
import { intOption, parse } from '../args';
import { print, say } from '../output';
import { MAX_BATCH_SIZE, MIN_BATCH_SIZE } from '../../workflows/definitions';

const USAGE = `product-etl chaos [--rows N] [--batch-size N] [--kills N] [--freeze N] [--db-conn-kills N] [--db-restarts N]
                   [--temporal-restarts N] [--zombies N] [--concurrent-starts N] [--seed S] [--workers N] [--keep] [--json]
  Runs the sync on its own MariaDB, Temporal dev server and worker processes while injecting faults, then checks
  every table against the oracle of spec section 6. Defaults: the short version (${DEFAULT_CHAOS_OPTIONS.kills} kills, one of each other fault).
  The long version: --rows 30000 --batch-size 50 --kills 24 --freeze 2 --zombies 2 --db-conn-kills 3 --db-restarts 2 --temporal-restarts 2 --concurrent-starts 2`;

const COUNT_FLAGS = {
  kills: 'kills', freeze: 'freeze', 'db-conn-kills': 'dbConnKills', 'db-restarts': 'dbRestarts', 'temporal-restarts': 'temporalRestarts',
  zombies: 'zombies', 'concurrent-starts': 'concurrentStarts',
} as const;

/** `chaos`: the fault harness (docs/reliability.md). Exit status 0 only when nothing differs from the oracle. */
export async function chaosCommand(argv: string[]): Promise<number> {
  const strings = Object.fromEntries(['rows', 'batch-size', 'seed', 'workers', ...Object.keys(COUNT_FLAGS)].map((k) => [k, { type: 'string' as const }]));
  const { values } = parse(argv, { ...strings, json: { type: 'boolean' }, keep: { type: 'boolean' } }, USAGE);
  const v = values as Record<string, string | boolean | undefined>;
  const str = (k: string) => v[k] as string | undefined;
  const o: ChaosOptions = {
    ...DEFAULT_CHAOS_OPTIONS,
    rows: intOption('rows', str('rows'), 100, 5_000_000) ?? DEFAULT_CHAOS_OPTIONS.rows,
    batchSize: intOption('batch-size', str('batch-size'), MIN_BATCH_SIZE, MAX_BATCH_SIZE) ?? DEFAULT_CHAOS_OPTIONS.batchSize,
    seed: intOption('seed', str('seed'), 0, 2 ** 31) ?? DEFAULT_CHAOS_OPTIONS.seed,
    workers: intOption('workers', str('workers'), 1, 8) ?? DEFAULT_CHAOS_OPTIONS.workers,
    keep: v.keep === true,
  };
  for (const [flag, key] of Object.entries(COUNT_FLAGS)) o[key] = intOption(flag, str(flag), 0, 1000) ?? DEFAULT_CHAOS_OPTIONS[key];
  // stdout carries the report only (--json must parse): libraries' console chatter (knex prints its connection
  // warnings with console.log while the harness restarts MariaDB) goes to stderr with the progress lines.
  const log = console.log;
  console.log = (...args: unknown[]) => console.error(...args);
  try {
    const report = await runChaos(o, { say });
    print(v.json ? JSON.stringify(report, null, 2) : formatReport(report));
    return report.ok ? 0 : 1;
  } finally {
    console.log = log;
  }
}
