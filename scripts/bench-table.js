#!/usr/bin/env node
// Regenerates the results table of README.md's "## Performance" section (between the markers
// <!-- bench:start --> and <!-- bench:end -->) from data/bench/<backend>.json, the files that
// `literate-gpt bench --save` writes. Creates the section (before "## Layout") if it is missing.
//
//   node scripts/bench-table.js            # rewrite README.md
//   node scripts/bench-table.js --print    # print the table only
'use strict';
const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const DIR = process.env.LGPT_BENCH_DIR || path.join(ROOT, 'data', 'bench');
const README = path.join(ROOT, 'README.md');
const START = '<!-- bench:start -->';
const END = '<!-- bench:end -->';
const BACKENDS = ['tensorflow', 'wasm', 'cpu'];

const fmt = (x, digits = 0) => (typeof x === 'number' && Number.isFinite(x) ? x.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : '—');
const pct = (x) => (typeof x === 'number' && Number.isFinite(x) ? `${(100 * x).toFixed(1)} %` : '—');
const times = (x) => (typeof x === 'number' && Number.isFinite(x) ? `${x.toFixed(2)}×` : '—');

function load(backend) {
  const file = path.join(DIR, `${backend}.json`);
  if (!fs.existsSync(file)) return null;
  try { return JSON.parse(fs.readFileSync(file, 'utf8')); } catch { return null; }
}

function loadRange(r) {
  const vals = [r.load?.start?.load1, r.train?.load?.start?.load1, r.train?.load?.end?.load1, r.load?.end?.load1].filter((x) => typeof x === 'number');
  if (vals.length === 0) return '—';
  return `${Math.min(...vals).toFixed(1)}–${Math.max(...vals).toFixed(1)}`;
}

function table(results) {
  const lines = [
    '| backend | nano train tokens/s | vs PyTorch (same run) | vs textbook kernels (same run) | MFU | larger model tokens/s | sampling tokens/s: KV cache / none (×) | RSS after nano | tensors after 1,000 steps | load (2 cores) |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of results) {
    const torch = r.torch && r.torch.available !== false && typeof r.torch.ratio === 'number'
      ? `${times(r.torch.ratio)}${typeof r.torch.cpuRatio === 'number' ? ` (CPU time ${times(r.torch.cpuRatio)})` : ''}; PyTorch ${r.torch.version}, ${r.torch.threads} thread${r.torch.threads === 1 ? '' : 's'}: ${fmt(r.torch.tokensPerSecond)}`
      : '—';
    const large = r.trainLarge ? `${fmt(r.trainLarge.tokensPerSecond)} (${r.trainLarge.preset}, MFU ${pct(r.trainLarge.mfu)})` : '—';
    const sample = `${fmt(r.sampleTokensPerSecond)} / ${fmt(r.sampleTokensPerSecondNoCache)} (${times(r.sampleCacheSpeedup)})`;
    const mem = r.memory?.probe ? `${r.memory.probe.tensorsStart} → ${r.memory.probe.tensorsEnd} (${fmt(r.memory.probe.steps)} steps)` : '—';
    lines.push(`| \`${r.backend}\` | ${fmt(r.trainTokensPerSecond)} | ${torch} | ${times(r.reference?.speedup)} | ${pct(r.mfu)} of ${fmt(r.peakGflops)} GFLOP/s | ${large} | ${sample} | ${fmt(r.memory?.rssAfterTrainMiB ?? r.memory?.peakRssMiB)} MiB | ${mem} | ${loadRange(r)} |`);
  }
  const m = results[0].machine || {};
  const dates = results.map((r) => r.date && r.date.slice(0, 16).replace('T', ' ')).filter(Boolean);
  lines.push('');
  lines.push(`Measured on ${m.cpuModel || 'an unknown CPU'} (${m.cpus} vCPUs, ${m.memoryGiB} GiB, ${m.platform}, Node ${m.node}), ${dates.join(', ')} UTC,`
    + ` with \`npm run bench\` (\`literate-gpt bench --torch --save\` per backend). Nano is the 0.8 M-parameter model of FINDINGS.md`
    + ' (4 layers, 4 heads, 128 wide, block 128, batch 32, vocabulary 65); one training step is forward, backward, clipping and AdamW.'
    + ' Ratios compare rounds taken back to back in one run (the machine is shared: see the load column); "CPU time" compares the'
    + ' processor time each side spends per step (all threads), which a busy machine disturbs far less than wall time. MFU is against the'
    + ' peak measured in the same run (a 1024³ product on the native backend). Sampling: 256 new tokens after a one-token prompt;'
    + ' past the 128-token block both paths recompute the whole window for every token (absolute positions), so the cache pays off on the first 127.');
  return lines.join('\n');
}

function main() {
  const results = BACKENDS.map(load).filter(Boolean);
  if (results.length === 0) {
    console.error(`bench-table: no results in ${DIR} (run: npx literate-gpt bench --torch --save)`);
    process.exit(2);
  }
  const block = `${START}\n${table(results)}\n${END}`;
  if (process.argv.includes('--print')) { console.log(block); return; }
  if (!fs.existsSync(README)) {
    const out = path.join(ROOT, 'docs', 'performance.md');
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, `# Performance\n\n${block}\n`);
    console.log(`no README.md: wrote ${path.relative(ROOT, out)}`);
    return;
  }
  let text = fs.readFileSync(README, 'utf8');
  if (text.includes(START) && text.includes(END)) {
    text = text.slice(0, text.indexOf(START)) + block + text.slice(text.indexOf(END) + END.length);
  } else {
    const section = `## Performance\n\n\`npm run bench\` measures training and sampling speed on the backend in use and, side by side,\nthe same model and step in PyTorch (\`bench/torch_nano.py\`); \`node scripts/bench-table.js\` rewrites this table.\n\n${block}\n\n`;
    const at = text.indexOf('\n## Layout');
    text = at >= 0 ? `${text.slice(0, at + 1)}${section}${text.slice(at + 1)}` : `${text.trimEnd()}\n\n${section}`;
  }
  fs.writeFileSync(README, text);
  console.log(`README.md: performance table from ${results.map((r) => r.backend).join(', ')}`);
}

main();
