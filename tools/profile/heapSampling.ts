/**
 * V8's sampling heap profiler through node:inspector, in this process: what a stretch of code allocates, objects that
 * the young- and old-generation collectors have already freed included (the DevTools "allocation sampling" profile,
 * which by default shows only what is still alive). Test tooling.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';

export interface SamplingHeapProfileNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: SamplingHeapProfileNode[];
}

/** The sampled bytes of a profile: the sum of every node's self size. */
export function sampledBytes(node: SamplingHeapProfileNode): number {
  let total = node.selfSize;
  for (const c of node.children) total += sampledBytes(c);
  return total;
}

function post<T>(session: Session, method: string, params?: object): Promise<T> {
  return new Promise((resolve, reject) => session.post(method, params, (err, result) => (err ? reject(err) : resolve(result as T))));
}

/** Starts sampling (one sample per `intervalBytes` allocated, on average); the result stops it and writes the profile. */
export async function startHeapSampling(intervalBytes = 4096): Promise<{ stopAndWrite(file: string): Promise<number> }> {
  const session = new Session();
  session.connect();
  await post(session, 'HeapProfiler.enable');
  await post(session, 'HeapProfiler.startSampling', {
    samplingInterval: intervalBytes,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
  return {
    async stopAndWrite(file: string): Promise<number> {
      const { profile } = await post<{ profile: { head: SamplingHeapProfileNode } }>(session, 'HeapProfiler.stopSampling');
      session.disconnect();
      writeFileSync(file, JSON.stringify(profile));
      return sampledBytes(profile.head);
    },
  };
}
