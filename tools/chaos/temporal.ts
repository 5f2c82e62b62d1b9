import { defaultDevServerOptions, DevServerOptions, startDevServer, stopDevServer } from '../../src/temporal/devServer';

/**
 * A Temporal dev server of the harness's own (its own ports and state folder). Stopped and started with the same
 * state file (`--db-filename`), so workflow histories, timers and the schedule survive, as they would a cluster
 * restart; the harness checks that workers reconnect and the run carries on.
 */
export class OwnTemporal {
  readonly options: DevServerOptions;
  /** The dev server's pid while it runs (for the last-resort kill if the harness itself crashes). */
  pid: number | undefined;

  constructor(dir: string, port: number, uiPort: number) {
    // State, pid file and log land in <dir>/temporal (defaultDevServerOptions appends the 'temporal' folder).
    // Eager activity dispatch off: with it, every batch of a K = 1 run starts on the worker that runs the workflow, so
    // the fault worker, started beside it, would never draw one and its kills at COMMIT could not be injected. Which
    // worker runs a batch is all it changes (a retry goes through the task queue either way).
    this.options = defaultDevServerOptions({ dataDir: dir, port, uiPort, namespace: 'default', dynamicConfig: ['system.enableActivityEagerExecution=false'] });
  }

  get address(): string {
    return `${this.options.ip}:${this.options.port}`;
  }

  async start(say: (line: string) => void): Promise<void> {
    this.pid = (await startDevServer(this.options, say)).pid;
  }

  async stop(say: (line: string) => void): Promise<void> {
    await stopDevServer(this.options, say);
    this.pid = undefined;
  }
}
