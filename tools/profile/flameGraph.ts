/**
 * A flame graph of a V8 `.cpuprofile` (from `node --cpu-prof`) as one self-contained SVG: no script, nothing to
 * install; any browser shows it, each frame's time in its tooltip. The stack grows upwards from "all"; a frame's width
 * is the time with it on the stack, its children sorted by name so the same code paths line up run after run.
 *
 *   node dist/tools/profile/flameGraph.js PROFILE.cpuprofile --out FILE.svg [--under PATH] [--min-percent 0.1]
 *     [--title TEXT] [--keep-idle]
 *
 * `--under` starts every stack at its first frame from a file whose URL contains PATH (e.g. `activities/applyBatch`)
 * and drops samples without one, as summarizeProfile does; idle samples are dropped unless --keep-idle; frames under
 * --min-percent of the total are left out (their time stays in their parent's width).
 *
 * Hand-written because the flame graph tools on npm either run the process themselves or open a browser; this one
 * reads the profile the tools here already make (cpuPerBatch, `--node-flags=--cpu-prof` of tools/memory).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { frameLabel, indexProfile, Profile, ProfileNode, sampleMicros } from './cpuProfile';

export interface FlameNode {
  label: string;
  /** The frame's script URL ('' for V8's own and native frames): what its colour tells. */
  url: string;
  /** Microseconds of samples with this frame on the stack, below it included. */
  us: number;
  parent?: FlameNode;
  children: Map<string, FlameNode>;
}

function child(parent: FlameNode, n: ProfileNode): FlameNode {
  const label = frameLabel(n);
  let c = parent.children.get(label);
  if (!c) {
    c = { label, url: n.callFrame.url, us: 0, parent, children: new Map() };
    parent.children.set(label, c);
  }
  return c;
}

/** The profile's samples merged by stack: one node per distinct path of frame labels from the root. */
export function flameTree(p: Profile, opts: { under?: string; keepIdle?: boolean } = {}): FlameNode {
  const root: FlameNode = { label: 'all', url: '', us: 0, children: new Map() };
  const { byId, parent } = indexProfile(p);
  // The merged node for each profile node, or null when the stack has not reached a frame under PATH yet.
  const memo = new Map<number, FlameNode | null>();
  const entry = (id: number): FlameNode | null => {
    const known = memo.get(id);
    if (known !== undefined) return known;
    const n = byId.get(id) as ProfileNode;
    const up = parent.get(id);
    let result: FlameNode | null;
    if (up === undefined) result = opts.under ? null : root; // V8's "(root)" frame
    else {
      const above = entry(up);
      if (above) result = child(above, n);
      else result = opts.under && n.callFrame.url.includes(opts.under) ? child(root, n) : null;
    }
    memo.set(id, result);
    return result;
  };
  for (let i = 0; i < p.samples.length; i++) {
    const n = byId.get(p.samples[i]) as ProfileNode;
    if (!opts.keepIdle && n.callFrame.functionName === '(idle)') continue;
    const dt = sampleMicros(p, i);
    for (let at: FlameNode | null | undefined = entry(n.id); at; at = at.parent) at.us += dt;
  }
  return root;
}

export interface FlameRect {
  node: FlameNode;
  depth: number;
  /** Left edge and width as fractions of the root's time. */
  x: number;
  width: number;
}

/** Each frame's place: depth 0 is the root; children left to right by label; those under `minFraction` left out. */
export function flameRects(root: FlameNode, minFraction = 0.001): FlameRect[] {
  const rects: FlameRect[] = [];
  if (root.us <= 0) return rects;
  const place = (node: FlameNode, depth: number, x: number): void => {
    rects.push({ node, depth, x, width: node.us / root.us });
    let at = x;
    for (const c of [...node.children.values()].sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0))) {
      if (c.us / root.us >= minFraction) place(c, depth + 1, at);
      at += c.us / root.us;
    }
  };
  place(root, 0, 0);
  return rects;
}

/** Hue ranges by where a frame's code lives, shade by its name: the same function keeps its colour across graphs. */
function colour(node: FlameNode): string {
  let h = 0;
  for (let i = 0; i < node.label.length; i++) h = (h * 31 + node.label.charCodeAt(i)) >>> 0;
  const pick = (from: number, span: number) => from + (h % span);
  const u = node.url;
  if (node.label === 'all') return 'hsl(0,0%,80%)';
  if (!u) return `hsl(${pick(0, 12)},75%,62%)`; // V8 and native: the collector, regexps, builtins
  if (u.includes('/node_modules/')) return `hsl(${pick(95, 40)},50%,58%)`;
  if (u.startsWith('node:')) return `hsl(${pick(200, 25)},60%,68%)`;
  if (u.includes('/dist/tools/')) return `hsl(${pick(52, 8)},85%,60%)`;
  return `hsl(${pick(22, 20)},90%,60%)`; // the product's own code
}

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const FRAME_HEIGHT = 16;
const CHAR_WIDTH = 6.6;

export function renderFlameSvg(rects: readonly FlameRect[], opts: { width?: number; title?: string } = {}): string {
  const width = opts.width ?? 1200;
  const depth = rects.reduce((m, r) => Math.max(m, r.depth), 0) + 1;
  const top = 44;
  const height = top + depth * FRAME_HEIGHT + 24;
  const total = rects[0]?.node.us ?? 0;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="monospace" font-size="11">`,
    `<rect width="100%" height="100%" fill="#fdfdf8"/>`,
    `<text x="${width / 2}" y="18" text-anchor="middle" font-size="14">${escapeXml(opts.title ?? 'CPU flame graph')}</text>`,
    `<text x="${width / 2}" y="34" text-anchor="middle" fill="#555">${escapeXml(
      `${(total / 1000).toFixed(0)} ms of samples; width = time on the stack; orange: product, yellow: tools, green: packages, blue: node, red: V8 and native (collector, builtins); hover for times`,
    )}</text>`,
  ];
  for (const r of rects) {
    const x = r.x * (width - 20) + 10;
    const w = r.width * (width - 20);
    const y = height - 24 - (r.depth + 1) * FRAME_HEIGHT;
    const ms = r.node.us / 1000;
    const tip = `${r.node.label}: ${ms.toFixed(1)} ms, ${((100 * r.node.us) / total).toFixed(2)} %`;
    const chars = Math.floor((w - 6) / CHAR_WIDTH);
    const text = chars < 3 ? '' : r.node.label.length <= chars ? r.node.label : `${r.node.label.slice(0, chars - 2)}..`;
    out.push(
      `<g><title>${escapeXml(tip)}</title><rect x="${x.toFixed(2)}" y="${y}" width="${Math.max(w - 0.5, 0.1).toFixed(2)}" height="${FRAME_HEIGHT - 1}" fill="${colour(r.node)}" rx="2"/>` +
        (text ? `<text x="${(x + 3).toFixed(2)}" y="${y + 11.5}">${escapeXml(text)}</text>` : '') +
        '</g>',
    );
  }
  out.push('</svg>');
  return out.join('\n');
}

function main(): void {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      under: { type: 'string' },
      'min-percent': { type: 'string', default: '0.1' },
      title: { type: 'string' },
      'keep-idle': { type: 'boolean', default: false },
    },
  });
  const file = positionals[0];
  if (!file || !values.out) throw new Error('usage: flameGraph PROFILE.cpuprofile --out FILE.svg [--under PATH] [--min-percent 0.1] [--title TEXT] [--keep-idle]');
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const root = flameTree(profile, { under: values.under, keepIdle: values['keep-idle'] });
  const rects = flameRects(root, Number(values['min-percent']) / 100);
  const title = values.title ?? `${file.split('/').pop()}${values.under ? `, stacks from ${values.under}` : ''}`;
  writeFileSync(values.out, renderFlameSvg(rects, { title }));
  process.stdout.write(`${values.out}: ${rects.length} frames, ${(root.us / 1000).toFixed(0)} ms of samples\n`);
}

if (require.main === module) {
  try {
    main();
  } catch (err) {
    process.stderr.write(`flameGraph: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
  }
}
