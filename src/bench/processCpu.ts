/**
 * CPU time of other processes, from /proc/<pid>/stat (Linux): how `bench` charges MariaDB, the Temporal server and
 * extra worker processes per 1000 rows. utime + stime, in clock ticks of 1/100 s (USER_HZ on every Linux this runs on).
 */
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100;

/** CPU milliseconds the process has used so far (all its threads), or undefined when it cannot be read. */
export function processCpuMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces; the fields after its closing parenthesis are fixed.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** The one process whose command name is one of `names`, or undefined when there is none or more than one. */
export function findOnlyProcess(names: readonly string[]): number | undefined {
  let found: number[] = [];
  try {
    found = readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number).filter((pid) => {
      try {
        return names.includes(readFileSync(`/proc/${pid}/comm`, 'utf8').trim());
      } catch {
        return false;
      }
    });
  } catch {
    return undefined;
  }
  return found.length === 1 ? found[0] : undefined;
}

/** CPU used by each named process between two calls: `const stop = meter({...}); ...; stop()`. */
export function meterCpu(pids: Record<string, number | undefined>): () => Record<string, number | undefined> {
  const start = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, pid === undefined ? undefined : processCpuMs(pid)]));
  return () => Object.fromEntries(Object.entries(pids).map(([name, pid]) => {
    const before = start[name];
    const after = pid === undefined ? undefined : processCpuMs(pid);
    return [name, before === undefined || after === undefined ? undefined : after - before];
  }));
}
