#!/usr/bin/env node
// Regenerates the results table of README.md's "## Benchmarks" section (between the markers
// <!-- bench:start --> and <!-- bench:end -->) from data/bench/<backend>.json, the files that
// `literate-gpt bench --save` writes (`npm run bench` runs it for each backend). One row per
// backend; the machine, dates and load are printed with it. Creates the section (before
// "## Layout") if the markers are missing.
//
//   node scripts/bench-table.js            # rewrite README.md
//   node scripts/bench-table.js --print    # print the table only
'use strict';
const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const DIR = process.env.LGPT_BENCH_DIR || path.join(ROOT, 'data', 'bench');
const README = process.env.LGPT_README || path.join(ROOT, 'README.md');
const START = '<!-- bench:start -->';
const END = '<!-- bench:end -->';
const BACKENDS = ['tensorflow', 'wasm', 'cpu'];

const num = (x) => typeof x === 'number' && Number.isFinite(x);
const fmt = (x, digits = 0) => (num(x) ? x.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : '—');
const pct = (x) => (num(x) ? `${(100 * x).toFixed(1)} %` : '—');
const times = (x) => (num(x) ? `${x.toFixed(2)}×` : '—');

function load(backend) {
  const file = path.join(DIR, `${backend}.json`);
  if (!fs.existsSync(file)) return null;
  try { return JSON.parse(fs.readFileSync(file, 'utf8')); } catch { return null; }
}

/** The 1-minute load averages recorded during the run, as a range. */
function loadRange(r) {
  const vals = [r.load?.start?.load1, r.train?.load?.start?.load1, r.train?.load?.end?.load1, r.sampleLoad?.load1, r.load?.end?.load1].filter(num);
  if (vals.length === 0) return '—';
  const lo = Math.min(...vals).toFixed(1);
  const hi = Math.max(...vals).toFixed(1);
  return lo === hi ? lo : `${lo}–${hi}`;
}

/** "cache / none (speedup)" for one sampling row of the bench's JSON. */
function sampling(s) {
  if (!s) return '—';
  const same = s.sameTokens === false ? ' **tokens differ**' : '';
  return `${fmt(s.tokensPerSecond)} / ${fmt(s.tokensPerSecondNoCache)} (${times(s.speedup)})${same}`;
}

/** Sampling figures, also from files written before the two-row layout. */
function samplingRows(r) {
  if (r.sample) return { long: r.sample, block: r.samplePastBlock };
  const old = { blockSize: r.preset === 'nano' ? 128 : undefined, newTokens: r.sampleNewTokens, tokensPerSecond: r.sampleTokensPerSecond, tokensPerSecondNoCache: r.sampleTokensPerSecondNoCache, speedup: r.sampleCacheSpeedup };
  return { long: null, block: old };
}

function memory(r) {
  const p = r.memory?.probe;
  if (!p) return '—';
  const verdict = p.pass === undefined ? '' : p.pass ? 'no growth: ' : '**grows**: ';
  return `${verdict}tensors ${p.tensorsStart} → ${p.tensorsEnd}, RSS ${fmt(p.rssKiBPerStep, 1)} KiB/step (${fmt(p.steps)} steps)`;
}

/** ", best of 1 thread 9,348 / 2 threads 17,301" (or the one count an older result used). */
function torchThreads(t) {
  const by = t.tokensPerSecondByThreads;
  if (by && Object.keys(by).length > 1) return `, best of ${Object.entries(by).map(([n, v]) => `${n} thread${n === '1' ? '' : 's'} ${fmt(v)}`).join(' / ')}`;
  return `, ${t.threads} thread${t.threads === 1 ? '' : 's'}`;
}

/** "ours: TensorFlow 2.21.0 C library, oneDNN kernels; PyTorch 2.13.0+cpu: BLAS mkl, oneDNN 3.12.0, AVX512" per backend. */
function kernelsLine(results) {
  const parts = results.map((r) => `\`${r.backend}\`: ${r.kernels || 'kernels not recorded'}`
    + (r.torch && r.torch.available !== false ? `; PyTorch ${r.torch.version}${r.torch.kernels ? `: ${r.torch.kernels}` : r.torch.blas ? ` on ${r.torch.blas}` : ''}` : ''));
  return ` Kernels: ${parts.join('. ')}.`;
}

function table(results) {
  const first = results[0];
  const { long, block } = samplingRows(first);
  const longHead = long ? `sampling ${long.newTokens} tokens, block ${long.blockSize}: KV cache / none, tokens/s` : 'sampling, long block';
  const blockHead = block ? `same, block ${block.blockSize ?? 'of the preset'} (${block.newTokens} tokens)` : 'sampling, preset block';
  const lines = [
    `| backend | ${first.preset} train tokens/s | vs PyTorch, same run: wall (CPU time) | vs naive kernels | MFU of measured peak | larger model tokens/s | ${longHead} | ${blockHead} | memory, training steps | RSS after ${first.preset} | load (1-min) |`,
    '|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of results) {
    const s = samplingRows(r);
    const torch = r.torch && r.torch.available !== false && num(r.torch.ratio)
      ? `${times(r.torch.ratio)}${num(r.torch.cpuRatio) ? ` (${times(r.torch.cpuRatio)})` : ''}; PyTorch ${r.torch.version || ''} ${fmt(r.torch.tokensPerSecond)} tokens/s${torchThreads(r.torch)}`
      : r.torch && r.torch.available === false ? `— (${r.torch.reason || 'PyTorch unavailable'})` : '—';
    const large = r.trainLarge ? `${fmt(r.trainLarge.tokensPerSecond)} (${r.trainLarge.preset}, MFU ${pct(r.trainLarge.mfu)})` : '—';
    const own = r.peakBackend && r.peakBackend !== r.backend && num(r.mfuBackend)
      ? ` (${r.peakBackend}); ${pct(r.mfuBackend)} of this backend's own ${fmt(r.backendPeakGflops)}`
      : '';
    const mfu = `${pct(r.mfu)} of ${fmt(r.peakGflops)} GFLOP/s${own}`;
    lines.push(`| \`${r.backend}\` | ${fmt(r.trainTokensPerSecond)} | ${torch} | ${times(r.reference?.speedup)} | ${mfu} | ${large} | ${sampling(s.long)} | ${sampling(s.block)} | ${memory(r)} | ${fmt(r.memory?.rssAfterTrainMiB ?? r.memory?.peakRssMiB)} MiB | ${loadRange(r)} |`);
  }
  const m = first.machine || {};
  const dates = [...new Set(results.map((r) => r.date && r.date.slice(0, 16).replace('T', ' ')).filter(Boolean))];
  lines.push('');
  lines.push(`Measured on ${m.cpuModel || 'an unknown CPU'} (${m.cpus} cores, ${m.memoryGiB} GiB, ${m.platform}, Node ${m.node}) at ${dates.join(', ')} UTC`
    + ` with \`npm run bench\` (\`literate-gpt bench --torch --save\` once per backend); the load column is the 1-minute load average`
    + ` during the run (${m.cpus} means both cores busy). Figures are medians over rounds; each ratio is the median of per-round ratios, the two sides`
    + ' timed back to back in one process. "CPU time" compares the processor time each side spends per step (all threads), which a busy'
    + ' machine disturbs far less than wall time. Training: the nano model of FINDINGS.md (4 layers, 4 heads, 128 wide, block 128, batch 32,'
    + ' vocabulary 65), one step = forward, backward, clipping, AdamW, against the same model and step in PyTorch (`bench/torch_nano.py`);'
    + ' "naive kernels" is the same step with the textbook formulations (`setKernelMode("reference")`, and on wasm tfjs\'s own matmul and'
    + ' segment-sum kernels). MFU counts 6·parameters + attention FLOPs per token against the best large matmul measured in the same run.'
    + ' Sampling: new tokens after a one-token prompt, temperature 1, with and without the KV cache (the same tokens both ways, checked).'
    + ' The cache can only pay off while the context fits the model\'s block: the position embeddings are absolute, so past the block'
    + ' both paths recompute the whole shifted window for every token. Hence the long-block column (the same shape with a block long enough for the prompt and all new tokens)'
    + ' and the preset\'s own block. Memory: a small model trained for'
    + ' the given number of steps; "no growth" means the same live tensors and tensor bytes at the end as at the start and resident'
    + ' memory rising by less than 16 KiB per step over the second half.' + kernelsLine(results));
  return lines.join('\n');
}

/**
 * Where a training step's time goes (the first backend's profile, ours beside PyTorch's), as a
 * markdown table: ms per step by kind, the ratio, then FLOP/s of the largest matmul shapes.
 */
function profileTable(r) {
  const p = r.profile;
  if (!p || !p.ours) return '';
  const ours = p.ours;
  const other = p.torch;
  const f = (x) => (num(x) ? x.toFixed(1) : '—');
  const kinds = [...Object.keys(ours.byKind), ...Object.keys(other ? other.byKind : {}).filter((k) => !(k in ours.byKind))];
  const lines = [
    `| ${r.preset} step, ms | ours (\`${r.backend}\`) | ${other ? `PyTorch ${other.torch}, ${other.threads} thread${other.threads === 1 ? '' : 's'}` : 'PyTorch'} | ours / PyTorch |`,
    '|---|---|---|---|',
  ];
  for (const k of kinds) {
    const a = ours.byKind[k];
    const b = other ? other.byKind[k] : undefined;
    lines.push(`| ${k} | ${f(a)} | ${f(b)} | ${num(a) && num(b) && b > 0.05 ? times(a / b) : ''} |`);
  }
  lines.push(`| **all kernels / ops** | ${f(ours.kernelMs)} | ${f(other && other.opMs)} | ${other ? times(ours.kernelMs / other.opMs) : ''} |`);
  lines.push(`| outside them (framework, launches) | ${f(ours.overheadMs)} | ${f(other && other.stepMs - other.opMs)} | |`);
  lines.push(`| **step, wall** | ${f(ours.stepMs)} | ${f(other && other.stepMs)} | ${other ? times(ours.stepMs / other.stepMs) : ''} |`);
  const mm = (list, kind) => new Map((list || []).filter((m) => m.kind === kind || kind === undefined).map((m) => [m.shape, m]));
  const theirs = mm(other && other.matmuls);
  const shapes = (ours.matmuls || []).slice(0, 8);
  const mmLines = shapes.map((m) => {
    const t = theirs.get(m.shape);
    return `| ${m.shape} | ${m.calls} | ${fmt(m.gflopPerSecond)} | ${t ? fmt(t.gflopPerSecond) : '—'} |`;
  });
  return `\n\n**Where the step's time goes** (\`literate-gpt bench\`'s profile: ours from tf.profile, one step, each kernel filed by kind;`
    + ` PyTorch from torch.profiler, self CPU time per op, mean of three steps; both profilers add time per kernel, so the kernel sums can`
    + ` exceed the unprofiled wall time, making "outside them" negative). ${ours.kernels} kernels per step; an empty kernel costs`
    + ` ${fmt(ours.emptyKernelUs, 1)} µs.\n\n${lines.join('\n')}\n\n`
    + `| matmul shape (largest first) | calls per step | ours GFLOP/s | PyTorch GFLOP/s |\n|---|---|---|---|\n${mmLines.join('\n')}`;
}

function main() {
  const results = BACKENDS.map(load).filter(Boolean);
  if (results.length === 0) {
    console.error(`bench-table: no results in ${DIR} (run: npm run bench)`);
    process.exit(2);
  }
  const block = `${START}\n${table(results)}${profileTable(results[0])}\n${END}`;
  if (process.argv.includes('--print')) { console.log(block); return; }
  let text = fs.readFileSync(README, 'utf8');
  if (text.includes(START) && text.includes(END)) {
    text = text.slice(0, text.indexOf(START)) + block + text.slice(text.indexOf(END) + END.length);
  } else {
    const section = `## Benchmarks\n\n\`npm run bench\` measures training and sampling speed and memory on each backend and, side by side,\nthe same model and step in PyTorch (\`bench/torch_nano.py\`); \`node scripts/bench-table.js\` rewrites this table.\n\n${block}\n\n`;
    const at = text.indexOf('\n## Layout');
    text = at >= 0 ? `${text.slice(0, at + 1)}${section}${text.slice(at + 1)}` : `${text.trimEnd()}\n\n${section}`;
  }
  fs.writeFileSync(README, text);
  console.log(`${path.relative(ROOT, README)}: benchmark table from ${results.map((r) => r.backend).join(', ')}`);
}

main();
