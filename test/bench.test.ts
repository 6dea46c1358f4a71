// The benchmark suite in its tiny mode: every field is there and sane. Never a timing
// assertion — speed depends on the machine and its load.
import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { matmulFlops, median, runBench } from '../src/bench';
import { backendInfo } from '../src/engine';

const root = path.join(__dirname, '..');
const REQUIRED = ['backend', 'preset', 'trainTokensPerSecond', 'mfu', 'sampleTokensPerSecond', 'sampleTokensPerSecondNoCache'];

describe('bench', function () {
  this.timeout(300_000);

  it('median and matmul FLOP counts', () => {
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.equal(matmulFlops({ name: 'x', a: [4, 3], b: [3, 5] }), 2 * 4 * 3 * 5);
    assert.equal(matmulFlops({ name: 'x', a: [3, 4], b: [5, 3], transposeA: true, transposeB: true }), 2 * 4 * 3 * 5);
    assert.equal(matmulFlops({ name: 'x', a: [7, 4, 3], b: [7, 5, 3], transposeB: true }), 7 * 2 * 4 * 3 * 5);
  });

  it('runs in tiny mode in-process and reports every field', async () => {
    const before = tf.memory().numTensors;
    const r = await runBench({ tiny: true, memorySteps: 5 });
    for (const k of REQUIRED) assert.ok(k in r, `missing ${k}`);
    assert.equal(r.backend, backendInfo().backend);
    assert.equal(r.preset, 'pico');
    for (const k of ['trainTokensPerSecond', 'mfu', 'sampleTokensPerSecond', 'sampleTokensPerSecondNoCache', 'peakGflops']) {
      const v = r[k] as number;
      assert.ok(Number.isFinite(v) && v > 0, `${k} = ${v}`);
    }
    assert.ok((r.mfu as number) < 1, 'MFU is a fraction of the measured peak');
    const memory = r.memory as { probe: { tensorsStart: number; tensorsEnd: number }; peakRssMiB: number };
    assert.equal(memory.probe.tensorsEnd, memory.probe.tensorsStart, 'no tensor leaked per step');
    assert.ok(memory.peakRssMiB > 0);
    // Sampling: a model whose context holds every new token, and the preset's own block
    // (pico: 16) with tokens past it; the cached and uncached paths give the same tokens.
    const sample = r.sample as { blockSize: number; newTokens: number; tokensPastBlock: number; sameTokens: boolean; speedup: number; rounds: number[] };
    assert.ok(sample.blockSize > sample.newTokens);
    assert.equal(sample.tokensPastBlock, 0);
    assert.equal(sample.sameTokens, true, 'cached and uncached sampling give the same tokens');
    assert.ok(sample.speedup > 0 && sample.rounds.length >= 1);
    const past = r.samplePastBlock as { blockSize: number; tokensPastBlock: number; sameTokens: boolean };
    assert.equal(past.blockSize, 16);
    assert.ok(past.tokensPastBlock > 0);
    assert.equal(past.sameTokens, true, 'also past the block');
    assert.equal(typeof r.memoryNoGrowth, 'boolean');
    assert.ok(Array.isArray(r.matmul) && (r.matmul as unknown[]).length > 0);
    assert.equal(tf.memory().numTensors, before, 'the bench leaves no tensors behind');
  });

  it('`literate-gpt bench --tiny --json --save` prints one JSON object and writes the files', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lgpt-bench-'));
    const r = spawnSync(process.execPath, ['bin/literate-gpt.js', 'bench', '--tiny', '--json', '--save', '--memory-steps', '3', '--large', 'none'], {
      cwd: root, encoding: 'utf8', env: { ...process.env, LGPT_FROM_SOURCE: '1', LGPT_BENCH_DIR: dir }, timeout: 240_000,
    });
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    for (const k of REQUIRED) assert.ok(k in out, `missing ${k}`);
    const saved = JSON.parse(fs.readFileSync(path.join(dir, 'latest.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(saved.backend, out.backend);
    assert.ok(fs.existsSync(path.join(dir, `${String(out.backend)}.json`)));
    // scripts/bench-table.js puts one row per saved backend between README's markers.
    const readme = path.join(dir, 'README.md');
    fs.writeFileSync(readme, '# x\n\n<!-- bench:start -->\nold\n<!-- bench:end -->\n\n## Layout\n');
    const t = spawnSync(process.execPath, ['scripts/bench-table.js'], { cwd: root, encoding: 'utf8', env: { ...process.env, LGPT_BENCH_DIR: dir, LGPT_README: readme } });
    assert.equal(t.status, 0, t.stderr);
    const text = fs.readFileSync(readme, 'utf8');
    assert.ok(!text.includes('old') && text.includes('## Layout'));
    assert.equal(text.split('\n').filter((l) => l.startsWith(`| \`${String(out.backend)}\``)).length, 1);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('rejects a bad preset with exit code 2 and one line', () => {
    const r = spawnSync(process.execPath, ['bin/literate-gpt.js', 'bench', '--preset', 'huge', '--json'], {
      cwd: root, encoding: 'utf8', env: { ...process.env, LGPT_FROM_SOURCE: '1' }, timeout: 60_000,
    });
    assert.equal(r.status, 2);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr.trim().split('\n').length, 1);
  });
});

describe('bench: the PyTorch anchor', () => {
  it('--torch-threads takes a list of thread counts, refused in one line otherwise', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { parseThreadList } = require('../src/cli/commands/bench') as { parseThreadList(t: string): number[] };
    assert.deepEqual(parseThreadList('1,2'), [1, 2]);
    assert.deepEqual(parseThreadList(' 4 '), [4]);
    for (const bad of ['', '1,,2', '0', '1,1', '2.5', '0x2', '300']) assert.throws(() => parseThreadList(bad), /--torch-threads/, bad);
  });

  it('prefers the project\'s PyTorch 2.x in .venv over Debian\'s; a missing one says how to install it', function () {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { torchStatus } = require('../src/bench') as typeof import('../src/bench');
    const missing = torchStatus('/nonexistent/python');
    assert.equal(missing.available, false);
    assert.match(missing.reason ?? '', /setup-torch\.js --install/);
    const venv = path.join(root, '.venv', 'bin', 'python');
    const venvHasTorch = fs.existsSync(venv) && spawnSync(venv, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
    if (!venvHasTorch) this.skip(); // CI installs it (scripts/setup-torch.js); elsewhere it is optional
    const saved = process.env.LGPT_TORCH_PYTHON;
    delete process.env.LGPT_TORCH_PYTHON;
    try {
      const s = torchStatus();
      assert.equal(s.python, venv);
      assert.match(s.version ?? '', /^2\./);
    } finally {
      if (saved !== undefined) process.env.LGPT_TORCH_PYTHON = saved;
    }
  });
});
