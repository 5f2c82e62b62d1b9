/**
 * Everything the harness starts, it stops: on success, on failure, on Ctrl-C or SIGTERM. Steps run in reverse order
 * of registration (workers before the servers they talk to), each on its own so one failing does not leave the
 * rest running. If the process exits without running them (an uncaught crash), the last-resort exit hook SIGKILLs
 * every process the harness spawned, by pid, and nothing else.
 */
export class Teardown {
  private readonly steps: Array<{ name: string; run: () => Promise<unknown>; skipOnSignal: boolean }> = [];
  private bySignal = false;
  private readonly pidSources: Array<() => number[]> = [];
  private running: Promise<void> | undefined;
  private readonly onSignal = (signal: NodeJS.Signals) => {
    this.say(`received ${signal}: stopping everything the chaos harness started ...`);
    this.bySignal = true;
    void this.run().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  private readonly onExit = () => {
    for (const source of this.pidSources) {
      for (const pid of source()) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }
    }
  };

  constructor(private readonly say: (line: string) => void) {}

  add(name: string, run: () => Promise<unknown>, opts: { skipOnSignal?: boolean } = {}): void {
    this.steps.push({ name, run, skipOnSignal: opts.skipOnSignal ?? false });
  }

  addPids(source: () => number[]): void {
    this.pidSources.push(source);
  }

  install(): void {
    for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(s, this.onSignal);
    process.on('exit', this.onExit);
  }

  run(): Promise<void> {
    this.running ??= (async () => {
      for (const step of [...this.steps].reverse()) {
        if (this.bySignal && step.skipOnSignal) continue;
        try {
          await step.run();
        } catch (err) {
          this.say(`  teardown of ${step.name} failed: ${(err as Error).message}`);
        }
      }
      for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.off(s, this.onSignal);
      process.off('exit', this.onExit);
    })();
    return this.running;
  }
}
