/**
 * More worker processes for `bench --workers N`: each is `product-etl worker` on the benchmark's task queue and
 * database, started from the same script this process runs, so the partitions of a window spread over processes.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { DEFAULT_DATABASE_URL } from '../db/databaseUrl';

export interface ExtraWorkers {
  pids: number[];
  stop(): Promise<void>;
}

const READY = /Worker polling task queue/;

/**
 * The node flags of this process that its extra workers take too, so that `node --max-semi-space-size=64
 * bin/product-etl.js bench --workers 2` measures every worker with the same V8 settings (docs/operations.md, Worker
 * memory). The inspector's flags are left out: a second process cannot listen on the same debugger port.
 */
export function workerNodeFlags(execArgv: readonly string[]): string[] {
  return execArgv.filter((a) => !/^--(inspect|debug)/.test(a));
}

export async function startExtraWorkers(count: number, opts: { database: string; taskQueue: string; readyTimeoutMs?: number }): Promise<ExtraWorkers> {
  const url = new URL(process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL);
  url.pathname = `/${opts.database}`;
  const children: ChildProcess[] = [];
  const stop = async () => {
    await Promise.all(children.map((c) => new Promise<void>((resolve) => {
      if (c.exitCode !== null || c.signalCode !== null) return resolve();
      c.once('exit', () => resolve());
      c.kill('SIGTERM');
    })));
  };
  try {
    for (let i = 0; i < count; i++) {
      const child = spawn(process.execPath, [...workerNodeFlags(process.execArgv), process.argv[1], 'worker'], {
        // LOG_LEVEL info whatever the bench's own: readiness is read from the worker's `Worker polling` line, an info line.
        env: { ...process.env, DATABASE_URL: url.toString(), PRODUCT_ETL_TASK_QUEUE: opts.taskQueue, PRODUCT_ETL_METRICS_ADDR: '', LOG_LEVEL: 'info' },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      children.push(child);
      await new Promise<void>((resolve, reject) => {
        let said = '';
        const timer = setTimeout(() => reject(new Error(`worker process ${i + 2} did not start polling within ${(opts.readyTimeoutMs ?? 60_000) / 1000}s: ${said.slice(-500)}`)), opts.readyTimeoutMs ?? 60_000);
        let ready = false;
        // The listener stays, so the worker's stderr keeps draining; once it polls, its lines are dropped, not kept.
        child.stderr?.on('data', (chunk: Buffer) => {
          if (ready) return;
          said += chunk.toString();
          if (READY.test(said)) {
            ready = true;
            clearTimeout(timer);
            resolve();
          }
        });
        child.once('exit', (code) => {
          clearTimeout(timer);
          reject(new Error(`worker process ${i + 2} exited (status ${code}) before polling: ${said.slice(-500)}`));
        });
      });
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { pids: children.map((c) => c.pid as number), stop };
}
