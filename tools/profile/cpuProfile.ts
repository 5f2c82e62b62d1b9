/**
 * A V8 `.cpuprofile` (from `node --cpu-prof`) and the two readings the profile tools share: time per sample, and
 * which samples lie "under" a file (their stack passes through a frame from a file whose URL contains a given text).
 */
import { shortUrl } from './shortUrl';

export interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

export interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** The profile's nodes by id, and each node's parent. */
export interface ProfileIndex {
  byId: Map<number, ProfileNode>;
  parent: Map<number, number>;
}

export function indexProfile(p: Profile): ProfileIndex {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  return { byId, parent };
}

/**
 * Microseconds each sample stands for: the delta to the next sample is the time the sampled frame was on top (the
 * last sample, with no next, stands for none).
 */
export function sampleMicros(p: Profile, i: number): number {
  return p.timeDeltas[i + 1] ?? 0;
}

/** Whether a node's stack passes through a frame from a file whose URL contains `under` (always, without it). */
export function underFilter({ byId, parent }: ProfileIndex, under: string | undefined): (id: number) => boolean {
  const inScope = new Map<number, boolean>();
  const scoped = (id: number): boolean => {
    if (!under) return true;
    const known = inScope.get(id);
    if (known !== undefined) return known;
    const n = byId.get(id) as ProfileNode;
    const up = parent.get(id);
    const result = n.callFrame.url.includes(under) || (up !== undefined && scoped(up));
    inScope.set(id, result);
    return result;
  };
  return scoped;
}

/** `name file:line` of a frame, the file's URL shortened (`(native)` for frames without one). */
export function frameLabel(n: ProfileNode): string {
  return `${n.callFrame.functionName || '(anonymous)'} ${shortUrl(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;
}
