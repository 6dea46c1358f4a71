/** `bench`: how fast this machine trains and samples, on the backend in use (src/bench/). */
import * as path from 'path';
import { initBackend } from '../../engine';
import { lockFolder, writeFileAtomic } from '../../checkpoint';
import { check } from '../../errors';
import { runBench } from '../../bench/suite';
import { isPreset, PRESETS, type PresetName } from '../../model/config';
import { get } from '../args';
import { registerCommand } from '../commands';

/**
 * Where `--save` writes: latest.json (notebook 07 reads it) and <backend>.json (the README
 * table). LGPT_BENCH_DIR moves it (tests).
 */
export function benchDir(): string {
  return process.env.LGPT_BENCH_DIR ?? path.join(__dirname, '..', '..', '..', 'data', 'bench');
}

const presets = Object.keys(PRESETS);

registerCommand({
  name: 'bench',
  summary: 'benchmark matmuls, training tokens/s, MFU, sampling and memory on this backend',
  usage: 'literate-gpt bench [--preset nano] [--large micro|none] [--torch] [--no-profile] [--save] [--tiny] [--json]',
  flags: {
    preset: { type: 'string', help: 'model to time (default nano)', choices: presets },
    large: { type: 'string', help: 'a larger model to time training on too (default micro; none to skip)', choices: [...presets, 'none'] },
    batch: { type: 'int', help: 'sequences per step (default 32)', min: 1, max: 1024 },
    rounds: { type: 'int', help: 'interleaved timing rounds (default 5)', min: 1, max: 100 },
    steps: { type: 'int', help: 'timed training steps per round (default 3)', min: 1, max: 1000 },
    'sample-tokens': { type: 'int', help: 'new tokens per sampling run (default 256)', min: 1, max: 100_000 },
    'sample-block': { type: 'int', help: 'context length of the model the KV cache is timed on (default 512; at least sample-tokens + 1)', min: 2, max: 65_536 },
    'memory-steps': { type: 'int', help: 'training steps of the memory probe (default 1000; 0 skips)', min: 0, max: 1_000_000 },
    torch: { type: 'boolean', help: 'time the PyTorch reference (bench/torch_nano.py) in the same run' },
    'install-torch': { type: 'boolean', help: 'with --torch: pip-install PyTorch 2.x (CPU build) into .venv if no torch is found' },
    'torch-threads': { type: 'string', help: 'PyTorch thread counts to time, each in its own process; the best is the anchor (default 1,2)' },
    'no-reference': { type: 'boolean', help: 'skip timing the textbook (pre-optimisation) kernels' },
    'no-profile': { type: 'boolean', help: 'skip the profile of one step by kind of work (ours, and PyTorch\'s with --torch)' },
    save: { type: 'boolean', help: 'write data/bench/latest.json and data/bench/<backend>.json' },
    tiny: { type: 'boolean', help: 'a seconds-long run on a pico model (for tests); timings meaningless' },
  },
  async run({ flags, positional }, ctx) {
    check(positional.length === 0, `unexpected argument '${positional[0]}'`);
    // The KV-cache timing needs the prompt and every new token inside the block: refuse a shorter
    // block instead of quietly lengthening it (--tiny samples 24 tokens).
    check(!(get.bool(flags, 'tiny') && flags['sample-tokens'] !== undefined), '--tiny samples 24 tokens: --sample-tokens does not apply with it');
    const sampleTokens = get.bool(flags, 'tiny') ? 24 : get.num(flags, 'sample-tokens') ?? 256;
    const sampleBlock = get.num(flags, 'sample-block');
    check(sampleBlock === undefined || sampleBlock >= sampleTokens + 1, `--sample-block must be at least the one-token prompt plus --sample-tokens (${sampleTokens + 1}${get.bool(flags, 'tiny') ? ' with --tiny' : ''}), got ${sampleBlock}`);
    // --save: the folder is checked and locked now, not found unwritable after the whole benchmark.
    if (get.bool(flags, 'save')) {
      const dir = benchDir();
      check(dir.trim() !== '', 'LGPT_BENCH_DIR is empty: unset it or name a folder');
      lockFolder(dir, { create: true });
    }
    await initBackend();
    const large = get.str(flags, 'large') ?? 'micro';
    const preset = get.str(flags, 'preset') ?? 'nano';
    check(isPreset(preset), `unknown preset '${preset}'`);
    const result = await runBench({
      preset: preset as PresetName,
      largePreset: large === 'none' || !isPreset(large) ? null : large,
      ...(flags.batch !== undefined ? { batch: get.num(flags, 'batch') } : {}),
      ...(flags.rounds !== undefined ? { rounds: get.num(flags, 'rounds') } : {}),
      ...(flags.steps !== undefined ? { stepsPerRound: get.num(flags, 'steps') } : {}),
      ...(flags['sample-tokens'] !== undefined ? { sampleTokens: get.num(flags, 'sample-tokens') } : {}),
      ...(flags['sample-block'] !== undefined ? { sampleBlockSize: get.num(flags, 'sample-block') } : {}),
      ...(flags['memory-steps'] !== undefined ? { memorySteps: get.num(flags, 'memory-steps') } : {}),
      ...(flags['torch-threads'] !== undefined ? { torchThreads: parseThreadList(get.str(flags, 'torch-threads') ?? '') } : {}),
      torch: get.bool(flags, 'torch'),
      installTorch: get.bool(flags, 'install-torch'),
      compareReference: !get.bool(flags, 'no-reference'),
      profile: !get.bool(flags, 'no-profile'),
      tiny: get.bool(flags, 'tiny'),
      log: ctx.log,
    });
    if (get.bool(flags, 'save')) {
      const dir = benchDir();
      const text = JSON.stringify(result, null, 2) + '\n';
      for (const name of ['latest.json', `${result.backend}.json`]) writeFileAtomic(path.join(dir, name), text);
      ctx.log(`saved ${path.join(dir, 'latest.json')} and ${result.backend}.json`);
    }
    return result;
  },
  format(r) {
    const line = (k: string, v: unknown): string => `${k.padEnd(30)} ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`;
    return ['backend', 'preset', 'trainTokensPerSecond', 'mfu', 'peakGflops', 'trainVsTorch', 'sampleTokensPerSecond',
      'sampleTokensPerSecondNoCache', 'sampleCacheSpeedup', 'memoryNoGrowth'].map((k) => line(k, r[k])).join('\n');
  },
});

/** "1,2" → [1, 2]: positive decimal integers up to 256, no repeats. */
export function parseThreadList(text: string): number[] {
  const parts = text.split(',').map((x) => x.trim());
  check(parts.length > 0 && parts.every((x) => /^[0-9]+$/.test(x)), `--torch-threads must be thread counts joined by commas, e.g. 1,2 (got '${text}')`);
  const n = parts.map(Number);
  check(n.every((x) => x >= 1 && x <= 256), `--torch-threads: each count must be 1 to 256 (got '${text}')`);
  check(new Set(n).size === n.length, `--torch-threads: a count is repeated in '${text}'`);
  return n;
}
