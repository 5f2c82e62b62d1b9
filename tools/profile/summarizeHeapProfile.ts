/**
 * Sums a sampling heap profile (`cpuPerBatch --heap-profile FILE`, or DevTools' "allocation sampling" saved as
 * .heapprofile) by function: bytes allocated by the function itself, and with everything it called.
 *
 *   node dist/tools/profile/summarizeHeapProfile.js FILE [--top 40] [--per N]
 *
 * `--per N` divides the figures by N (e.g. the number of batches the profile covers) to give them per batch.
 */
import { readFileSync } from 'node:fs';
import { sampledBytes, SamplingHeapProfileNode } from './heapSampling';
import { shortUrl } from './shortUrl';

function frameName(n: SamplingHeapProfileNode): string {
  const { functionName, url, lineNumber } = n.callFrame;
  return `${functionName || '(anonymous)'} ${shortUrl(url)}:${lineNumber + 1}`;
}

function main(): void {
  const args = process.argv.slice(2);
  const file = args[0];
  if (!file) throw new Error('usage: summarizeHeapProfile FILE [--top N] [--per N]');
  const top = args.includes('--top') ? Number(args[args.indexOf('--top') + 1]) : 40;
  const per = args.includes('--per') ? Number(args[args.indexOf('--per') + 1]) : 1;
  const profile = JSON.parse(readFileSync(file, 'utf8')) as { head: SamplingHeapProfileNode };
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  // Iterative, with each frame counted once per stack for the inclusive sums (recursion would count it twice).
  const stack: Array<{ node: SamplingHeapProfileNode; onStack: ReadonlySet<string> }> = [{ node: profile.head, onStack: new Set() }];
  while (stack.length > 0) {
    const { node, onStack } = stack.pop() as { node: SamplingHeapProfileNode; onStack: ReadonlySet<string> };
    const name = frameName(node);
    self.set(name, (self.get(name) ?? 0) + node.selfSize);
    const frames = onStack.has(name) ? onStack : new Set([...onStack, name]);
    for (const f of frames) inclusive.set(f, (inclusive.get(f) ?? 0) + node.selfSize);
    for (const c of node.children) stack.push({ node: c, onStack: frames });
  }
  const total = sampledBytes(profile.head);
  const mb = (b: number) => (b / per / 1024 / 1024).toFixed(2).padStart(9);
  const print = (title: string, m: Map<string, number>) => {
    process.stdout.write(`\n${title} (MB${per === 1 ? '' : ` per 1/${per} of the profile`}; ${mb(total).trim()} in all)\n`);
    for (const [k, v] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) process.stdout.write(`${mb(v)}  ${(100 * v / total).toFixed(1).padStart(5)}%  ${k}\n`);
  };
  print('Allocated by the function itself', self);
  print('Allocated with everything it called', inclusive);
}

main();
