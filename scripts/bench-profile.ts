/**
 * Where a training step's time goes, per kernel: `npx tsx scripts/bench-profile.ts [preset] [batch]`
 * (backend from LGPT_BACKEND). Kernel times come from tf.profile, which synchronises after
 * every kernel, so the total is above an unprofiled step; the proportions are what matter.
 */
import { initBackend } from '../src/engine';
import { kernelTimes, TrainRunner } from '../src/bench/train';
import { median } from '../src/bench/timing';
import { isPreset, makeConfig } from '../src/model/config';

async function main(): Promise<void> {
  const info = await initBackend();
  const preset = process.argv[2] ?? 'nano';
  if (!isPreset(preset)) throw new Error(`unknown preset ${preset}`);
  const batch = Number(process.argv[3] ?? 32);
  const runner = new TrainRunner(makeConfig({ preset, vocabSize: 65 }), batch);
  runner.steps(2);
  const ms = median(runner.steps(5));
  const rows = await kernelTimes(runner);
  const total = rows.reduce((s, r) => s + r.ms, 0);
  const calls = rows.reduce((s, r) => s + r.calls, 0);
  console.log(`${info.backend} ${preset} batch ${batch}: ${ms.toFixed(0)} ms/step unprofiled (${(runner.tokensPerStep / ms * 1000).toFixed(0)} tokens/s); profiled kernels ${total.toFixed(0)} ms in ${calls} calls`);
  for (const r of rows.slice(0, 25)) console.log(`${r.name.padEnd(28)} ${r.ms.toFixed(1).padStart(8)} ms ${(100 * r.ms / total).toFixed(1).padStart(5)} %  ${String(r.calls).padStart(5)} calls`);
  runner.dispose();
}

main().catch((e) => { console.error(e); process.exit(1); });
