/**
 * Where a V8 .cpuprofile (from `node --cpu-prof`) spent its time: self time per function and per area (a package
 * under node_modules, a folder of Gatehouse's dist/, Node's internals, GC, idle).
 *
 * As a script: `node bench/cpuprofile-top.js FILE.cpuprofile [N]` prints the top N functions (default 25).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * @typedef {{ functionName: string, url: string, lineNumber: number, columnNumber: number }} CallFrame
 * @typedef {{ id: number, callFrame: CallFrame, children?: number[] }} ProfileNode
 * @typedef {{ nodes: ProfileNode[], samples: number[], timeDeltas: number[] }} CpuProfile
 * @typedef {{ name: string, where: string, area: string, selfMs: number, share: number }} FunctionTime
 * @typedef {{ area: string, selfMs: number, share: number }} AreaTime
 */

/**
 * @param {CpuProfile} profile
 * @returns {{ totalMs: number, busyMs: number, functions: FunctionTime[], areas: AreaTime[] }}
 */
export function summariseProfile(profile) {
  const selfUs = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    // Each delta is the time from the previous sample to this one: attribute it to this sample's node.
    const id = profile.samples[i];
    selfUs.set(id, (selfUs.get(id) ?? 0) + Math.max(0, profile.timeDeltas[i] ?? 0));
  }
  /** @type {Map<string, FunctionTime>} */
  const byFunction = new Map();
  /** @type {Map<string, number>} */
  const byArea = new Map();
  let totalUs = 0;
  let idleUs = 0;
  for (const node of profile.nodes) {
    const us = selfUs.get(node.id) ?? 0;
    if (us === 0) continue;
    totalUs += us;
    const frame = node.callFrame;
    const area = areaOf(frame);
    if (area === '(idle)') idleUs += us;
    byArea.set(area, (byArea.get(area) ?? 0) + us);
    const where = frame.url ? `${shortUrl(frame.url)}:${frame.lineNumber + 1}` : '';
    const key = `${frame.functionName}|${where}`;
    const entry = byFunction.get(key) ?? { name: frame.functionName || '(anonymous)', where, area, selfMs: 0, share: 0 };
    entry.selfMs += us / 1000;
    byFunction.set(key, entry);
  }
  const busyUs = totalUs - idleUs;
  const share = (/** @type {number} */ us) => (busyUs > 0 ? us / busyUs : 0);
  const functions = [...byFunction.values()].filter((entry) => entry.area !== '(idle)').sort((a, b) => b.selfMs - a.selfMs);
  for (const entry of functions) entry.share = share(entry.selfMs * 1000);
  const areas = [...byArea.entries()].filter(([area]) => area !== '(idle)').map(([area, us]) => ({ area, selfMs: us / 1000, share: share(us) })).sort((a, b) => b.selfMs - a.selfMs);
  return { totalMs: totalUs / 1000, busyMs: busyUs / 1000, functions, areas };
}

/**
 * Total (self + callees) time of each of Gatehouse's own functions (files under dist/), each counted once per
 * stack even when it recurses: the cost of a stage such as `normalize` or `authenticate` as a whole.
 * @param {CpuProfile} profile
 * @returns {{ name: string, where: string, totalMs: number }[]}
 */
export function gatehouseTotals(profile) {
  const selfUs = new Map();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + Math.max(0, profile.timeDeltas[i] ?? 0)));
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const childIds = new Set(profile.nodes.flatMap((node) => node.children ?? []));
  /** @type {Map<number, number>} */
  const subtreeUs = new Map();
  /** @param {ProfileNode} node @returns {number} */
  const subtree = (node) => {
    let us = selfUs.get(node.id) ?? 0;
    for (const child of node.children ?? []) us += subtree(/** @type {ProfileNode} */ (byId.get(child)));
    subtreeUs.set(node.id, us);
    return us;
  };
  const roots = profile.nodes.filter((node) => !childIds.has(node.id));
  roots.forEach(subtree);
  /** @type {Map<string, { name: string, where: string, totalMs: number }>} */
  const totals = new Map();
  /** @param {ProfileNode} node @param {Set<string>} open keys already on this stack */
  const visit = (node, open) => {
    const frame = node.callFrame;
    const own = frame.url.includes('/dist/') && !frame.url.includes('node_modules/') ? `${frame.functionName || '(anonymous)'}|${shortUrl(frame.url)}:${frame.lineNumber + 1}` : undefined;
    const counted = own !== undefined && !open.has(own);
    if (counted) {
      const [name = '', where = ''] = own.split('|');
      const entry = totals.get(own) ?? { name, where, totalMs: 0 };
      entry.totalMs += (subtreeUs.get(node.id) ?? 0) / 1000;
      totals.set(own, entry);
      open.add(own);
    }
    for (const child of node.children ?? []) visit(/** @type {ProfileNode} */ (byId.get(child)), open);
    if (counted) open.delete(own);
  };
  roots.forEach((root) => visit(root, new Set()));
  return [...totals.values()].sort((a, b) => b.totalMs - a.totalMs);
}

/** @param {CallFrame} frame */
function areaOf(frame) {
  if (!frame.url) return frame.functionName.startsWith('(') ? frame.functionName : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(frame.url);
  if (pkg) return pkg[1];
  const own = /\/dist\/([^/]+)\//.exec(frame.url);
  if (own) return `gatehouse/${own[1]}`;
  if (frame.url.startsWith('node:')) return 'node internals';
  return 'other';
}

/** @param {string} url */
function shortUrl(url) {
  const cut = url.search(/node_modules\/|\/dist\//);
  return cut === -1 ? url.replace(/^file:\/\//, '') : url.slice(cut).replace(/^\//, '');
}

/**
 * @param {ReturnType<typeof summariseProfile>} summary
 * @param {number} top
 */
export function formatProfile(summary, top) {
  const pct = (/** @type {number} */ share) => `${(share * 100).toFixed(1).padStart(5)}%`;
  const lines = [`busy ${summary.busyMs.toFixed(0)} ms of ${summary.totalMs.toFixed(0)} ms sampled; self time by area:`];
  for (const area of summary.areas.slice(0, 12)) lines.push(`  ${pct(area.share)}  ${area.area}`);
  lines.push(`top ${top} functions by self time:`);
  for (const fn of summary.functions.slice(0, top)) lines.push(`  ${pct(fn.share)}  ${fn.name}  ${fn.where}`);
  return lines.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [file, top = '25'] = process.argv.slice(2);
  if (!file) {
    console.error('usage: node bench/cpuprofile-top.js FILE.cpuprofile [N]');
    process.exit(2);
  }
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const summary = summariseProfile(profile);
  console.log(formatProfile(summary, Number(top)));
  console.log(`Gatehouse functions by total time (self + callees), top ${top}:`);
  for (const fn of gatehouseTotals(profile).slice(0, Number(top))) console.log(`  ${((fn.totalMs / summary.busyMs) * 100).toFixed(1).padStart(5)}%  ${fn.name}  ${fn.where}`);
}
