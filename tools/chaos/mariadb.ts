import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, openSync, closeSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { createKnex } from '../../src/db/connection';
import { DatabaseSettings } from '../../src/db/databaseUrl';
import { ConfigError } from '../../src/errors';
import { waitFor, withTimeout } from './util';

const SEARCH_DIRS = ['/usr/sbin', '/usr/local/sbin', '/usr/bin', '/usr/local/bin', '/usr/local/mysql/bin'];

function findBinary(names: string[]): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), ...SEARCH_DIRS];
  for (const dir of dirs) {
    for (const name of names) {
      try {
        accessSync(join(dir, name), constants.X_OK);
        return join(dir, name);
      } catch {
        /* not here */
      }
    }
  }
  return undefined;
}

export type StopMode = 'shutdown' | 'crash';

/**
 * A MariaDB server of the harness's own: its own datadir, socket and port, root without a password. Faults are
 * injected into this one only (stop, crash, KILL of connections); the shared server on 3306 is never touched.
 * Stopped and started again on the same datadir, so committed data must survive, as in production.
 */
export class OwnMariaDb {
  private child: ChildProcess | undefined;
  private exited: Promise<void> | undefined;
  readonly dataDir: string;
  readonly logFile: string;
  readonly database: string;

  constructor(readonly dir: string, readonly port: number, database = 'belle_ai_chaos') {
    this.dataDir = join(dir, 'data');
    this.logFile = join(dir, 'mariadb.log');
    this.database = database;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  settings(): DatabaseSettings {
    return { host: '127.0.0.1', port: this.port, user: 'root', password: '', database: this.database };
  }

  url(): string {
    return `mysql://root@127.0.0.1:${this.port}/${this.database}`;
  }

  /** mariadb-install-db into a fresh datadir; root gets a normal (password, here empty) login, not unix_socket. */
  install(): void {
    const installer = findBinary(['mariadb-install-db', 'mysql_install_db']);
    if (!installer) throw new ConfigError('mariadb-install-db was not found.', 'Install the MariaDB server package (apt-get install mariadb-server).');
    mkdirSync(this.dataDir, { recursive: true });
    const out = spawnSync(installer, [
      '--no-defaults', `--datadir=${this.dataDir}`, '--auth-root-authentication-method=normal', '--user=root', '--skip-test-db',
    ], { encoding: 'utf8' });
    if (out.status !== 0) throw new Error(`mariadb-install-db failed (exit ${out.status}):\n${(out.stderr || out.stdout).slice(-2000)}`);
  }

  async start(): Promise<void> {
    const server = findBinary(['mariadbd', 'mysqld']);
    if (!server) throw new ConfigError('mariadbd was not found.', 'Install the MariaDB server package (apt-get install mariadb-server).');
    const log = openSync(this.logFile, 'a');
    const child = spawn(server, [
      '--no-defaults', `--datadir=${this.dataDir}`, `--socket=${join(this.dir, 'sock')}`, `--port=${this.port}`,
      '--bind-address=127.0.0.1', '--user=root', `--pid-file=${join(this.dir, 'mariadbd.pid')}`, `--log-error=${this.logFile}`,
      // Durability as in production: every commit reaches the redo log before the client hears "ok".
      '--innodb-flush-log-at-trx-commit=1', '--innodb-buffer-pool-size=256M', '--max-connections=500',
    ], { detached: true, stdio: ['ignore', log, log] });
    closeSync(log);
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    const up = await waitFor(async () => (this.running ? this.answers() : Promise.reject(new Error('exited'))), 60_000, 250);
    if (!up) {
      const tail = existsSync(this.logFile) ? readFileSync(this.logFile, 'utf8').split('\n').slice(-20).join('\n') : '';
      throw new Error(`The harness's MariaDB on port ${this.port} did not come up. Last lines of ${this.logFile}:\n${tail}`);
    }
  }

  /** `shutdown`: SIGTERM, InnoDB shuts down cleanly. `crash`: SIGKILL, the next start runs crash recovery. */
  async stop(mode: StopMode = 'shutdown'): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    child.kill(mode === 'crash' ? 'SIGKILL' : 'SIGTERM');
    const done = await withTimeout((this.exited ?? Promise.resolve()).then(() => true), 90_000, false);
    if (!done) {
      child.kill('SIGKILL');
      await this.exited;
    }
  }

  private async answers(): Promise<boolean> {
    const knex = createKnex(this.settings(), { database: false, poolMax: 1 });
    try {
      await knex.raw('SELECT 1');
      return true;
    } catch {
      return false;
    } finally {
      await knex.destroy();
    }
  }
}
