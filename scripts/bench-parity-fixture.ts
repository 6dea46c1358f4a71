/**
 * Writes test/fixtures/model-parity.json: the pinned numbers of test/parity-probe.ts, computed
 * on the cpu backend (plain float32 JavaScript: the reference). Made once, before the speed
 * work of issue 9, with:
 *
 *   npx tsx scripts/bench-parity-fixture.ts
 *
 * Re-run it only if the model is *meant* to change (and say so in the commit).
 */
import * as fs from 'fs';
import * as path from 'path';
import { initBackend } from '../src/engine';
import { runParityProbe } from '../test/parity-probe';

async function main(): Promise<void> {
  const info = await initBackend('cpu');
  const probe = runParityProbe();
  const out = path.join(__dirname, '..', 'test', 'fixtures', 'model-parity.json');
  const made = { command: 'npx tsx scripts/bench-parity-fixture.ts', backend: info.backend, tfjs: info.tfjs };
  fs.writeFileSync(out, JSON.stringify({ made, ...probe }, null, 1) + '\n');
  process.stdout.write(`wrote ${out}: loss ${probe.loss}, steps ${probe.stepLosses.join(', ')}\n`);
}

main().catch((e) => { process.stderr.write(`${String(e)}\n`); process.exit(1); });
