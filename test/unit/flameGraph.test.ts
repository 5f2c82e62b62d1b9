import { flameRects, flameTree, renderFlameSvg } from '../../tools/profile/flameGraph';
import type { Profile } from '../../tools/profile/cpuProfile';

const frame = (functionName: string, url = '', lineNumber = -1) => ({ functionName, url, lineNumber });

/**
 * (root) ─ main (a.js) ─┬ parse (b.js)
 *                       └ write <x> (b.js)
 *        ─ (idle)
 *        ─ (garbage collector)
 *        ─ other (a.js) ─ parse (b.js)      the same function on a second path
 */
function profile(): Profile {
  return {
    nodes: [
      { id: 1, callFrame: frame('(root)'), children: [2, 5, 6, 7] },
      { id: 2, callFrame: frame('main', 'file:///app/dist/src/a.js', 0), children: [3, 4] },
      { id: 3, callFrame: frame('parse', 'file:///app/dist/src/b.js', 9) },
      { id: 4, callFrame: frame('write <x>', 'file:///app/dist/src/b.js', 19) },
      { id: 5, callFrame: frame('(idle)') },
      { id: 6, callFrame: frame('(garbage collector)') },
      { id: 7, callFrame: frame('other', 'file:///app/dist/src/a.js', 29), children: [8] },
      { id: 8, callFrame: frame('parse', 'file:///app/dist/src/b.js', 9) },
    ],
    startTime: 0,
    endTime: 1000,
    // Each sample stands for the delta to the next: 3 → 10, 3 → 20, 2 → 5, 4 → 40, 5 → 100, 6 → 7, 8 → 8, 4 → 0.
    samples: [3, 3, 2, 4, 5, 6, 8, 4],
    timeDeltas: [0, 10, 20, 5, 40, 100, 7, 8],
  };
}

describe('flameTree', () => {
  it('merges samples by stack, each frame counting the time of everything above it, idle left out', () => {
    const root = flameTree(profile());
    expect(root.us).toBe(10 + 20 + 5 + 40 + 7 + 8);
    const main = root.children.get('main dist/src/a.js:1');
    expect(main?.us).toBe(10 + 20 + 5 + 40);
    expect(main?.children.get('parse dist/src/b.js:10')?.us).toBe(30);
    expect(main?.children.get('write <x> dist/src/b.js:20')?.us).toBe(40);
    expect(root.children.get('(garbage collector) (native):0')?.us).toBe(7);
    expect(root.children.get('other dist/src/a.js:30')?.children.get('parse dist/src/b.js:10')?.us).toBe(8);
    expect([...root.children.keys()].some((k) => k.startsWith('(idle)'))).toBe(false);
  });

  it('keeps idle samples when asked', () => {
    expect(flameTree(profile(), { keepIdle: true }).us).toBe(190);
  });

  it('starts each stack at its first frame under PATH and drops the samples with none', () => {
    const root = flameTree(profile(), { under: 'b.js' });
    expect([...root.children.keys()].sort()).toEqual(['parse dist/src/b.js:10', 'write <x> dist/src/b.js:20']);
    // parse on both paths merges into one frame: 30 under main, 8 under other.
    expect(root.children.get('parse dist/src/b.js:10')?.us).toBe(38);
    expect(root.us).toBe(78);
  });
});

describe('flameRects', () => {
  it('lays children side by side inside their parent, sorted by label, and leaves out the narrow ones', () => {
    const root = flameTree(profile());
    const rects = flameRects(root, 0);
    const byLabel = new Map(rects.map((r) => [r.node.label, r]));
    expect(byLabel.get('all')).toMatchObject({ depth: 0, x: 0, width: 1 });
    for (const r of rects) {
      const parent = rects.find((p) => p.node === r.node.parent);
      if (!parent) continue;
      expect(r.depth).toBe(parent.depth + 1);
      expect(r.x).toBeGreaterThanOrEqual(parent.x - 1e-12);
      expect(r.x + r.width).toBeLessThanOrEqual(parent.x + parent.width + 1e-12);
    }
    const top = rects.filter((r) => r.depth === 1).map((r) => r.node.label);
    expect(top).toEqual([...top].sort());
    // The collector's 7 of 90 µs is 7.8 %: gone at a 10 % floor, kept at 5 %.
    expect(flameRects(root, 0.1).some((r) => r.node.label.startsWith('(garbage'))).toBe(false);
    expect(flameRects(root, 0.05).some((r) => r.node.label.startsWith('(garbage'))).toBe(true);
  });

  it('gives nothing for a profile without samples', () => {
    expect(flameRects(flameTree({ ...profile(), samples: [], timeDeltas: [] }))).toEqual([]);
  });
});

describe('renderFlameSvg', () => {
  it('draws one frame per rect, its time in the tooltip, with the labels escaped', () => {
    const rects = flameRects(flameTree(profile()), 0);
    const svg = renderFlameSvg(rects, { title: 'a <test>' });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.endsWith('</svg>')).toBe(true);
    expect(svg.match(/<g><title>/g)?.length).toBe(rects.length);
    expect(svg).toContain('<title>write &lt;x&gt; dist/src/b.js:20: 0.0 ms, 44.44 %</title>');
    expect(svg).toContain('a &lt;test&gt;');
    expect(svg).not.toContain('<x>');
  });
});
