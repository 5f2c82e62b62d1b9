import { ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { sleep, waitFor } from './util';

export type FaultPoint = 'before-commit' | 'after-commit';
/** `normal` workers are kept at their count; fault workers kill themselves at their point in their first batch. */
export type WorkerRole = 'normal' | FaultPoint;

export interface ChaosWorker {
  name: string;
  role: WorkerRole;
  pid: number;
  /** The SDK's default worker identity, `<pid>@<host>`: what Temporal records as an attempt's lastWorkerIdentity. */
  identity: string;
  logFile: string;
  startedAt: number;
  frozen: boolean;
  /** Set by the harness before it kills the process, so the exit is not taken for a crash. */
  plannedExit?: string;
  exit?: { code: number | null; signal: NodeJS.Signals | null; at: number };
}

export interface WorkerEvent {
  at: number;
  worker: string;
  event: string;
  unexpected: boolean;
}

/** What a worker prints once it polls: `product-etl worker` and the fault worker alike. */
export const READY_LINE = 'Worker polling task queue';

/** The repository root (where bin/product-etl.js is), from tools/chaos or dist/tools/chaos alike. */
export function repoRoot(): string {
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'bin', 'product-etl.js')) && existsSync(join(dir, 'package.json'))) return dir;
    dir = dirname(dir);
  }
  throw new Error(`Cannot find the repository root (bin/product-etl.js) above ${__dirname}`);
}

/** The command line of a worker process: what an operator runs, or the harness's fault worker (compiled, in dist/). */
function workerCommand(role: WorkerRole): string[] {
  if (role === 'normal') return [join(repoRoot(), 'bin', 'product-etl.js'), 'worker'];
  return [faultWorkerScript(), '--point', role, '--probability', '1'];
}

/** The compiled fault worker: a process runs JavaScript, even when the harness itself runs from TypeScript in jest. */
export function faultWorkerScript(): string {
  return join(repoRoot(), 'dist', 'tools', 'chaos', 'faultWorker.js');
}

/**
 * Worker processes of the harness's own: `node bin/product-etl.js worker`, exactly what an operator runs, and fault
 * workers, with DATABASE_URL / TEMPORAL_ADDRESS / PRODUCT_ETL_TASK_QUEUE pointing at the harness's servers. A normal
 * worker that dies, whatever the reason, is recorded and replaced (as systemd or Kubernetes would), so the run can
 * go on.
 */
export class WorkerPool {
  private readonly workers: ChaosWorker[] = [];
  private readonly children = new Map<string, ChildProcess>();
  readonly events: WorkerEvent[] = [];
  private stopping = false;
  private seq = 0;
  private restartDelayMs = 1000;

  constructor(private readonly o: { env: NodeJS.ProcessEnv; logDir: string; normalCount: number; say: (line: string) => void }) {}

  async startNormalWorkers(): Promise<void> {
    await Promise.all(Array.from({ length: this.o.normalCount }, () => this.start('normal')));
  }

  /** Spawns a worker and waits until it polls (it bundles the workflow code first: a few seconds). */
  async start(role: WorkerRole): Promise<ChaosWorker> {
    const name = `w${++this.seq}${role === 'normal' ? '' : `-${role}`}`;
    const logFile = join(this.o.logDir, `${name}.log`);
    const fd = openSync(logFile, 'a');
    const child = spawn(process.execPath, workerCommand(role), {
      cwd: repoRoot(),
      env: this.o.env,
      // Its own process group: a Ctrl-C at the terminal reaches the harness, which stops workers in order.
      detached: true,
      stdio: ['ignore', fd, fd],
    });
    closeSync(fd);
    if (!child.pid) throw new Error(`could not spawn worker ${name}`);
    const w: ChaosWorker = { name, role, pid: child.pid, identity: `${child.pid}@${hostname()}`, logFile, startedAt: Date.now(), frozen: false };
    this.workers.push(w);
    this.children.set(name, child);
    child.once('exit', (code, signal) => this.exited(w, code, signal));
    await waitFor(async () => w.exit !== undefined || this.logOf(w).includes(READY_LINE), 90_000, 200);
    this.note(w, w.exit ? `exited before it was ready (${this.describeExit(w)})` : `started (pid ${w.pid}${role === 'normal' ? '' : `, fault point ${role}`})`, w.exit !== undefined);
    return w;
  }

  all(): ChaosWorker[] {
    return [...this.workers];
  }

  live(role?: WorkerRole): ChaosWorker[] {
    return this.workers.filter((w) => !w.exit && (role === undefined || w.role === role));
  }

  byIdentity(identity: string | undefined): ChaosWorker | undefined {
    return identity ? this.workers.find((w) => w.identity === identity) : undefined;
  }

  logOf(w: ChaosWorker): string {
    try {
      return readFileSync(w.logFile, 'utf8');
    } catch {
      return '';
    }
  }

  kill(w: ChaosWorker, why: string): void {
    w.plannedExit = why;
    this.signal(w, 'SIGKILL');
  }

  freeze(w: ChaosWorker): void {
    this.signal(w, 'SIGSTOP');
    w.frozen = true;
    this.note(w, 'frozen (SIGSTOP)', false);
  }

  thaw(w: ChaosWorker): void {
    this.signal(w, 'SIGCONT');
    w.frozen = false;
    this.note(w, 'thawed (SIGCONT)', false);
  }

  async waitExit(w: ChaosWorker, timeoutMs: number): Promise<boolean> {
    return (await waitFor(async () => w.exit !== undefined, timeoutMs, 100)) === true;
  }

  unexpectedSince(t: number): WorkerEvent[] {
    return this.events.filter((e) => e.unexpected && e.at >= t);
  }

  pids(): number[] {
    return this.live().map((w) => w.pid);
  }

  /** SIGCONT first (a stopped process cannot act on SIGTERM), then SIGTERM for a clean shutdown, then SIGKILL. */
  async stopAll(): Promise<void> {
    this.stopping = true;
    for (const w of this.live()) {
      w.plannedExit = 'harness shutdown';
      this.signal(w, 'SIGCONT');
      this.signal(w, 'SIGTERM');
    }
    await waitFor(async () => this.live().length === 0, 15_000, 100);
    for (const w of this.live()) this.signal(w, 'SIGKILL');
    await waitFor(async () => this.live().length === 0, 5_000, 100);
  }

  private signal(w: ChaosWorker, signal: NodeJS.Signals): void {
    try {
      process.kill(w.pid, signal);
    } catch {
      /* already gone */
    }
  }

  private describeExit(w: ChaosWorker): string {
    return w.exit?.signal ? `signal ${w.exit.signal}` : `exit code ${w.exit?.code}`;
  }

  private note(w: ChaosWorker, event: string, unexpected: boolean): void {
    this.events.push({ at: Date.now(), worker: w.name, event, unexpected });
    this.o.say(`  [worker ${w.name}] ${event}`);
  }

  private exited(w: ChaosWorker, code: number | null, signal: NodeJS.Signals | null): void {
    w.exit = { code, signal, at: Date.now() };
    w.frozen = false;
    this.children.delete(w.name);
    // A fault worker killing itself at its fault point is the point of it; anything else unplanned is news.
    const selfKill = w.role !== 'normal' && signal === 'SIGKILL';
    const unexpected = !w.plannedExit && !selfKill;
    const why = w.plannedExit ?? (selfKill ? `killed itself at fault point ${w.role}` : 'UNEXPECTED exit');
    this.note(w, `${why} (${this.describeExit(w)})`, unexpected);
    if (this.stopping || w.role !== 'normal') return;
    // Replace it, with a growing pause while replacements keep failing (e.g. Temporal is down right now).
    this.restartDelayMs = unexpected ? Math.min(this.restartDelayMs * 2, 8000) : 1000;
    void sleep(this.restartDelayMs).then(async () => {
      if (this.stopping) return;
      const replacement = await this.start('normal').catch(() => undefined);
      if (replacement && !replacement.exit) this.restartDelayMs = 1000;
    });
  }
}
