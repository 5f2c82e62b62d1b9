import { readdirSync, readFileSync } from 'node:fs';

/** What the kernel says about a process's memory and CPU: the figures an operator's `top` or cgroup would see. */
export interface ProcSample {
  at: number;
  /** Resident set now, in MB. */
  rssMb: number;
  /** Peak resident set since the process started (VmHWM), in MB. */
  hwmMb: number;
  /** User + system CPU time used so far, in seconds. */
  cpuSec: number;
}

const CLOCK_TICKS = 100; // USER_HZ on Linux

function kbField(status: string, name: string): number {
  const m = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status);
  if (!m) throw new Error(`/proc status has no ${name}`);
  return Number(m[1]) / 1024;
}

/** One sample of /proc/<pid>; undefined once the process is gone. */
export function sampleProcess(pid: number): ProcSample | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    // Fields after the command name, which is in parentheses and may hold spaces: utime and stime are 14th and 15th.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const after = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cpuSec = (Number(after[11]) + Number(after[12])) / CLOCK_TICKS;
    return { at: Date.now(), rssMb: kbField(status, 'VmRSS'), hwmMb: kbField(status, 'VmHWM'), cpuSec };
  } catch {
    return undefined;
  }
}

/**
 * CPU seconds used so far by each of a process's threads, summed by thread name: "main thread", then the kernel's `comm`
 * ("node" for V8's helper threads, which collect garbage and compile, and libuv's pool; "tokio-runtime-w" for the
 * Temporal SDK's Rust core; "workflow-proces..." for the thread that runs workflow code). Threads that ended since are not counted.
 */
export function cpuByThreadName(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tids) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      // Node's own threads (V8's helpers, libuv's pool) inherit the main thread's name, so the main thread is told
      // apart by its id, which is the process's.
      const name = tid === String(pid) ? 'main thread' : comm;
      const after = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(name, (out.get(name) ?? 0) + (Number(after[11]) + Number(after[12])) / CLOCK_TICKS);
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return out;
}

/** Samples a process every `everyMs` until stopped; keeps every sample. */
export class ProcessSampler {
  readonly samples: ProcSample[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(readonly pid: number, everyMs = 500) {
    this.timer = setInterval(() => this.sample(), everyMs);
    this.sample();
  }

  sample(): ProcSample | undefined {
    const s = sampleProcess(this.pid);
    if (s) this.samples.push(s);
    return s;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  last(): ProcSample | undefined {
    return this.samples[this.samples.length - 1];
  }
}
