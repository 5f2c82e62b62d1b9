/**
 * Sums the self time of a V8 `.cpuprofile` (from `node --cpu-prof`) by function and by file, so a profile can be read
 * without a browser:
 *
 *   node dist/tools/profile/summarizeProfile.js PROFILE.cpuprofile [--top 40] [--under PATH]
 *
 * Self time of a node = its hit count x the mean sample interval; `--under` keeps only samples whose stack passes
 * through a frame from a file containing PATH (e.g. `activities/applyBatch`), to exclude set-up work.
 */
import { readFileSync } from 'node:fs';
import { frameLabel, indexProfile, Profile, ProfileNode, sampleMicros, underFilter } from './cpuProfile';
import { shortUrl } from './shortUrl';

function main(): void {
  const args = process.argv.slice(2);
  const file = args[0];
  if (!file) throw new Error('usage: summarizeProfile PROFILE.cpuprofile [--top N] [--under PATH]');
  const top = args.includes('--top') ? Number(args[args.indexOf('--top') + 1]) : 40;
  const under = args.includes('--under') ? args[args.indexOf('--under') + 1] : undefined;
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const index = indexProfile(p);
  const { byId, parent } = index;
  const scoped = underFilter(index, under);
  const selfUs = new Map<number, number>();
  let total = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const dt = sampleMicros(p, i);
    const id = p.samples[i];
    if (!scoped(id)) continue;
    selfUs.set(id, (selfUs.get(id) ?? 0) + dt);
    total += dt;
  }
  const byFunction = new Map<string, number>();
  const byFile = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const n = byId.get(id) as ProfileNode;
    const f = shortUrl(n.callFrame.url);
    const name = frameLabel(n);
    byFunction.set(name, (byFunction.get(name) ?? 0) + us);
    byFile.set(f, (byFile.get(f) ?? 0) + us);
  }
  const show = (title: string, m: Map<string, number>) => {
    process.stdout.write(`\n${title} (self time, ms, % of ${(total / 1000).toFixed(0)} ms${under ? ` under ${under}` : ''})\n`);
    for (const [k, us] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) {
      process.stdout.write(`${(us / 1000).toFixed(1).padStart(9)} ${((100 * us) / total).toFixed(1).padStart(5)}%  ${k}\n`);
    }
  };
  // Inclusive time: a sample counts once for every distinct function on its stack.
  const inclusive = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const n = byId.get(at) as ProfileNode;
      if (!n.callFrame.url) continue;
      const name = frameLabel(n);
      if (seen.has(name)) continue;
      seen.add(name);
      inclusive.set(name, (inclusive.get(name) ?? 0) + us);
    }
  }
  show('By function', byFunction);
  show('By file', byFile);
  show('By function, inclusive of callees (synchronous stacks only)', inclusive);
}

main();
