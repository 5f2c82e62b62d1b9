/**
 * `dev-server start`, with a real Temporal CLI server on a port of its own. When the server does not answer in time
 * (given less time than any start takes) it fails with a clear error and stops the server it spawned, so no orphan
 * holds the port (found 2026-12-04: a first start on a new machine outlived a 60 s wait, and the server was left
 * running with no state file, so `dev-server stop` could not stop it). When it does, the store is in WAL mode.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserFacingError } from '../../src/errors';
import { defaultDevServerOptions, startDevServer, stopDevServer, temporalAnswers } from '../../src/temporal/devServer';

/** The pids of processes whose command line names `text` (here: the test's own data folder). */
function processesNaming(text: string): number[] {
  const out = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return out
    .split('\n')
    .filter((l) => l.includes(text) && !l.includes(' ps '))
    .map((l) => Number(l.trim().split(/\s+/)[0]));
}

describe('dev-server start', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'pe-devserver-start-'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('that times out fails with what to do, and leaves no server behind', async () => {
    const dir = join(root, 'timeout');
    // A port of its own, away from the suite's dev server.
    const port = 17233 + (process.pid % 1000);
    const o = defaultDevServerOptions({ dataDir: dir, port, uiPort: port + 1000, startTimeoutMs: 1 });
    const said: string[] = [];
    const err = await startDevServer(o, (l) => said.push(l)).then(() => undefined, (e: unknown) => e);

    expect(err).toBeInstanceOf(UserFacingError);
    const e = err as UserFacingError;
    expect(e.message).toMatch(new RegExp(`did not answer at 127\\.0\\.0\\.1:${port} within 0s \\(it was (stopped|killed)\\)`));
    expect(e.hint).toMatch(/Start it again.*TEMPORAL_ADDRESS/s);
    expect(said.join('\n')).toMatch(/Starting Temporal dev server \(pid \d+\)/);

    // The spawned server is gone, its state file too, and nothing answers on its port.
    expect(processesNaming(dir)).toEqual([]);
    expect(existsSync(join(o.dataDir, 'dev-server.json'))).toBe(false);
    expect(await temporalAnswers(`127.0.0.1:${port}`)).toBe(false);
  }, 60_000);

  it('keeps the server\'s store in a SQLite write-ahead log', async () => {
    const dir = join(root, 'wal');
    const port = 18233 + (process.pid % 1000);
    const o = defaultDevServerOptions({ dataDir: dir, port, uiPort: port + 1000 });
    const status = await startDevServer(o, () => undefined);
    try {
      expect(status.running).toBe(true);
      // The log file sits beside the store only in WAL mode, for as long as the server holds the store open.
      expect(existsSync(`${status.dbFile}-wal`)).toBe(true);
    } finally {
      await stopDevServer(o, () => undefined);
    }
    expect(processesNaming(dir)).toEqual([]);
  }, 240_000);
});
