/**
 * The short chaos run (what CI runs): a few worker kills (one at each COMMIT fault point) and one of every other
 * fault, on a MariaDB, a Temporal dev server and worker processes of the harness's own, so the shared servers other
 * tests use are never touched. Judged by the oracle of spec section 6 (tools/oracle), as every other test is.
 * About 4 minutes.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { runChaos } from '../../tools/chaos/harness';
import { DEFAULT_CHAOS_OPTIONS } from '../../tools/chaos/options';
import { formatReport } from '../../tools/chaos/report';
import { repoRoot } from '../../tools/chaos/workers';

// The limit only has to catch a hang. Both runs together took 721 s in one CI run on 2026-12-05, on a machine that
// was slowing down, against the 600 s each that were allowed then: 20 minutes leaves room for a slower machine.
jest.setTimeout(1_200_000);

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * The harness runs real worker processes (`node bin/product-etl.js worker` and its fault worker), which run dist/:
 * build both (npm run build) if a source is newer.
 */
beforeAll(() => {
  const root = repoRoot();
  const builtAt = (path: string) => statSync(join(root, 'dist', path), { throwIfNoEntry: false })?.mtimeMs ?? 0;
  const built = Math.min(builtAt('src/cli/main.js'), builtAt('tools/chaos/faultWorker.js'));
  if (Math.max(...['src', 'migrations', 'tools'].map((dir) => newestMtime(join(root, dir)))) > built) {
    for (const config of ['tsconfig.build.json', 'tsconfig.tools.json']) {
      const out = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', config], { cwd: root, encoding: 'utf8' });
      if (out.status !== 0) throw new Error(`npm run build failed (${config}):\n${out.stdout}${out.stderr}`);
    }
  }
  const installer = spawnSync('sh', ['-c', 'command -v mariadb-install-db || command -v mysql_install_db'], { encoding: 'utf8' });
  if (installer.status !== 0) throw new Error('the chaos test needs the MariaDB server package (mariadb-install-db and mariadbd) on this machine');
});

describe('chaos: faults against the real stack', () => {
  it('survives kills, freezes, a stale attempt, lost connections, restarts of MariaDB and Temporal, and rival starts', async () => {
    const say = (line: string) => process.stderr.write(`[chaos] ${line}\n`);
    const report = await runChaos({ ...DEFAULT_CHAOS_OPTIONS }, { say });
    say(formatReport(report));
    // Correctness is asserted without exception: whatever was injected, the run completed and every table equals
    // the oracle (products, change log with no duplicate and no gap, rejects, watermark, batch ledger, counts).
    expect(report.run.status).toBe('COMPLETED');
    expect(report.run.counts).toEqual(report.run.expectedCounts);
    expect(report.rows.filter((row) => row.differences !== 0)).toEqual([]);
    // Coverage: these faults are injected by the harness itself at points it chooses, so each must have happened
    // and behaved as expected. Whether Temporal hands a batch to a frozen worker (freeze, zombie) is up to
    // scheduling on a 2-core machine: those are reported above, and asserted in the long run (docs/reliability.md),
    // not here, so CI does not fail on timing alone. (The run lasts past the last fault since the harness holds it
    // while it waits on a thawed worker: about 250 of its 400 batches were left after the last fault on 2026-12-04.)
    const MUST_INJECT = ['kill', 'kill-after-commit', 'kill-before-commit', 'db-conn-kill', 'db-restart', 'temporal-restart', 'start-same-id', 'start-other-id', 'schedule-tick'];
    for (const kind of MUST_INJECT) {
      const row = report.rows.find((r) => r.kind === kind);
      expect({ kind, injected: row?.injected }).toEqual({ kind, injected: row?.requested });
    }
    expect(report.injections.filter((i) => MUST_INJECT.includes(i.kind) && i.injected && !i.ok)).toEqual([]);
  });

  // Partitioned windows (docs/scaling.md): K = 4 over two worker processes, so the partitions of one window run on
  // both at once. Kills at random moments and just before and after a partition's commit, a MariaDB restart and a
  // Temporal restart; the end state must equal the oracle exactly as for K = 1.
  it('with K = 4 partitions over two worker processes, survives kills at partition commits and restarts of MariaDB and Temporal', async () => {
    const say = (line: string) => process.stderr.write(`[chaos K=4] ${line}\n`);
    const report = await runChaos(
      { ...DEFAULT_CHAOS_OPTIONS, rows: 8000, batchSize: 25, partitions: 4, workers: 2, kills: 3, freeze: 0, zombies: 0, dbConnKills: 0, concurrentStarts: 0, dbRestarts: 1, temporalRestarts: 1 },
      { say },
    );
    say(formatReport(report));
    expect(report.run.status).toBe('COMPLETED');
    expect(report.run.counts).toEqual(report.run.expectedCounts);
    expect(report.rows.filter((row) => row.differences !== 0)).toEqual([]);
    for (const kind of ['kill-after-commit', 'kill-before-commit', 'db-restart', 'temporal-restart']) {
      const row = report.rows.find((r) => r.kind === kind);
      expect({ kind, injected: row?.injected }).toEqual({ kind, injected: row?.requested });
    }
  });
});
