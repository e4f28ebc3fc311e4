// A V8 .cpuprofile (node --cpu-prof) as a flame graph SVG, collapsed stacks and the functions
// with the most self time, headless and without a dependency: 0x and speedscope want a browser,
// flamegraph.pl wants Perl and a copy of its script. The SVG is the classic layout (root at the
// bottom, width = share of samples, hover a frame for its figures); colours say whose code a
// frame is: ours (orange), a package's (yellow), Node's own (grey), GC and the VM (red).
//   npx tsx bench/flameGraph.ts <profile.cpuprofile> <out.svg> [title]
// also writes <out>.folded (one "a;b;c count" line per stack) and prints the self-time table.
import { readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface CpuProfile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }

/** A frame with the time spent in it (self) and under it (total), in microseconds. */
export interface Frame { name: string; kind: 'ours' | 'package' | 'node' | 'vm'; self: number; total: number; children: Frame[] }

const ROOT = process.cwd();

function frameName(frame: ProfileNode['callFrame']): string {
  const fn = frame.functionName || '(anonymous)';
  if (!frame.url) return fn;
  let where = frame.url.replace(/^file:\/\//, '');
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(.*)$/.exec(where);
  if (pkg) where = `${pkg[1]}/${pkg[2]}`;
  else if (where.startsWith(ROOT)) where = where.slice(ROOT.length + 1);
  return `${fn} ${where}:${frame.lineNumber + 1}`;
}

function kindOf(frame: ProfileNode['callFrame']): Frame['kind'] {
  if (!frame.url) return frame.functionName.startsWith('(') ? 'vm' : 'node';
  if (frame.url.startsWith('node:')) return 'node';
  return frame.url.includes('node_modules') ? 'package' : 'ours';
}

/** The profile as a tree of frames timed from its samples; (idle) is left out, so shares are of busy time. */
export function frameTree(profile: CpuProfile): Frame {
  const selfById = new Map<number, number>();
  profile.samples.forEach((id, i) => selfById.set(id, (selfById.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const build = (node: ProfileNode): Frame => {
    const children = (node.children ?? []).map((id) => byId.get(id)!).filter((c) => c.callFrame.functionName !== '(idle)').map(build);
    const self = Math.max(0, selfById.get(node.id) ?? 0);
    return { name: frameName(node.callFrame), kind: kindOf(node.callFrame), self, total: self + children.reduce((s, c) => s + c.total, 0), children };
  };
  const root = build(profile.nodes[0]!);
  root.name = 'all (busy)';
  return root;
}

export function foldedStacks(root: Frame): string {
  const lines: string[] = [];
  const walk = (frame: Frame, path: string[]) => {
    const here = [...path, frame.name.replaceAll(';', ',')];
    if (frame.self > 0) lines.push(`${here.join(';')} ${Math.round(frame.self)}`);
    for (const child of frame.children) walk(child, here);
  };
  for (const child of root.children) walk(child, []);
  return `${lines.join('\n')}\n`;
}

/** Self time summed per function (wherever it was called from), largest first. */
export function topSelf(root: Frame, limit = 15): { name: string; ms: number; share: number }[] {
  const totals = new Map<string, number>();
  const walk = (frame: Frame) => {
    totals.set(frame.name, (totals.get(frame.name) ?? 0) + frame.self);
    frame.children.forEach(walk);
  };
  root.children.forEach(walk);
  return [...totals].sort((a, b) => b[1] - a[1]).slice(0, limit).map(([name, us]) => ({ name, ms: us / 1000, share: us / root.total }));
}

const COLOURS: Record<Frame['kind'], [number, number, number]> = { ours: [230, 130, 40], package: [220, 190, 60], node: [170, 170, 170], vm: [210, 70, 60] };
const escape = (text: string) => text.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!);

export function flameSvg(root: Frame, title: string, width = 1400): string {
  const rowHeight = 16;
  const depthOf = (f: Frame): number => 1 + Math.max(0, ...f.children.map(depthOf));
  const height = depthOf(root) * rowHeight + 40;
  const scale = (width - 20) / Math.max(1, root.total);
  const rects: string[] = [];
  const draw = (frame: Frame, x: number, depth: number) => {
    const w = frame.total * scale;
    if (w < 0.3) return;
    const y = height - 10 - (depth + 1) * rowHeight;
    const [r, g, b] = COLOURS[frame.kind];
    const jitter = (frame.name.length * 7) % 30;
    const label = `${frame.name} — ${(frame.total / 1000).toFixed(0)} ms total (${((100 * frame.total) / root.total).toFixed(1)}%), ${(frame.self / 1000).toFixed(0)} ms self`;
    const chars = Math.floor((w - 4) / 6.5);
    const text = chars >= 3 ? `<text x="${(x + 2).toFixed(1)}" y="${y + 12}">${escape(frame.name.length > chars ? `${frame.name.slice(0, chars - 1)}…` : frame.name)}</text>` : '';
    rects.push(`<g><title>${escape(label)}</title><rect x="${x.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${rowHeight - 1}" fill="rgb(${r},${g - jitter},${b})" rx="1"/>${text}</g>`);
    let childX = x;
    for (const child of frame.children) {
      draw(child, childX, depth + 1);
      childX += child.total * scale;
    }
  };
  draw(root, 10, 0);
  return `<?xml version="1.0" standalone="no"?>
<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="monospace" font-size="11">
<rect width="100%" height="100%" fill="#fdfdf8"/>
<text x="${width / 2}" y="20" text-anchor="middle" font-size="14">${escape(title)}</text>
${rects.join('\n')}
</svg>
`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [input, output, title] = process.argv.slice(2);
  if (!input || !output) {
    console.error('usage: npx tsx bench/flameGraph.ts <profile.cpuprofile> <out.svg> [title]');
    process.exit(2);
  }
  const root = frameTree(JSON.parse(readFileSync(input, 'utf8')) as CpuProfile);
  writeFileSync(output, flameSvg(root, title ?? input));
  writeFileSync(output.replace(/\.svg$/, '') + '.folded', foldedStacks(root));
  console.log(`busy ${(root.total / 1000).toFixed(0)} ms; top self time:`);
  console.log('| function | self ms | share of busy |\n| --- | ---: | ---: |');
  for (const row of topSelf(root)) console.log(`| \`${row.name}\` | ${row.ms.toFixed(0)} | ${(100 * row.share).toFixed(1)}% |`);
}
