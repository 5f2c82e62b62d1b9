import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import type { DatabaseSettings } from '../../src/db/databaseUrl';

const MARIADBD = ['/usr/sbin/mariadbd', '/usr/sbin/mysqld'].find(existsSync) ?? 'mariadbd';
const INSTALL_DB = ['/usr/bin/mariadb-install-db', '/usr/bin/mysql_install_db'].find(existsSync) ?? 'mariadb-install-db';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * A MariaDB of the test's own, for server settings that must not touch the shared server: the machine's mariadbd on
 * a free port, with a datadir under a temp folder, started with the flags a test needs and stopped by its pid. The
 * datadir is made once and kept across restarts, so a test can try several settings in a few seconds each.
 */
export class OwnMariaDb {
  readonly dir = mkdtempSync(join(tmpdir(), 'pe-own-mariadb-'));
  private child: ChildProcess | undefined;
  port = 0;

  static async create(): Promise<OwnMariaDb> {
    const db = new OwnMariaDb();
    const out = spawnSync(INSTALL_DB, [
      '--no-defaults', `--datadir=${join(db.dir, 'data')}`, '--auth-root-authentication-method=normal', '--user=root', '--skip-test-db',
    ], { encoding: 'utf8' });
    if (out.status !== 0) throw new Error(`${INSTALL_DB} failed (exit ${out.status}): ${(out.stderr || out.stdout || String(out.error)).slice(-1500)}`);
    return db;
  }

  settings(user = 'root', password = ''): DatabaseSettings {
    return { host: '127.0.0.1', port: this.port, user, password, database: 'unused' };
  }

  /** Starts mariadbd with these extra flags, after stopping the one that runs; `samePort` keeps the port of the last start (a client's settings stay valid). */
  async start(flags: string[] = [], opts: { samePort?: boolean } = {}): Promise<void> {
    await this.stop();
    this.port = opts.samePort && this.port ? this.port : await freePort();
    const log = join(this.dir, 'mariadb.log');
    const fd = openSync(log, 'a');
    const child = spawn(MARIADBD, [
      '--no-defaults', `--datadir=${join(this.dir, 'data')}`, `--socket=${join(this.dir, 'sock')}`, `--port=${this.port}`,
      '--bind-address=127.0.0.1', '--user=root', `--pid-file=${join(this.dir, 'mariadbd.pid')}`, '--innodb-buffer-pool-size=64M',
      '--skip-log-bin', ...flags,
    ], { stdio: ['ignore', fd, fd] });
    closeSync(fd);
    this.child = child;
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`mariadbd exited (${child.exitCode}) with ${flags.join(' ')}: ${readFileSync(log, 'utf8').slice(-1500)}`);
      try {
        const c = await createConnection({ host: '127.0.0.1', port: this.port, user: 'root' });
        await c.end();
        return;
      } catch {
        if (Date.now() > deadline) throw new Error(`mariadbd did not answer on ${this.port}: ${readFileSync(log, 'utf8').slice(-1500)}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }

  /** Runs statements as root on a plain connection (server set-up, not the code under test). */
  async admin(...statements: string[]): Promise<unknown[]> {
    const c = await createConnection({ host: '127.0.0.1', port: this.port, user: 'root', charset: 'utf8mb4' });
    try {
      const out: unknown[] = [];
      for (const sql of statements) out.push((await c.query(sql))[0]);
      return out;
    } finally {
      await c.end();
    }
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(timer);
  }

  async destroy(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
