// One training driver behind every `train` command (src/train/driver.ts), tested through the CLI
// as a user meets it, for `train lm`, `train image` and `train classifier` alike: Ctrl-C
// (a real SIGINT to the child process) saves a checkpoint and --resume ends at the same numbers
// as an uninterrupted run; a NaN loss (LGPT_INJECT_NAN_AT_STEP, a test hook) exits non-zero and
// keeps the last good checkpoint; a damaged train state is refused with exit 2 and one line.
// Pico models only (the classifier starts from a pico BPE language model made here).
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readCheckpointJson, saveCheckpoint } from '../src/checkpoint';
import { BEST_EPOCH_DIR, DEFAULT_FINETUNE, trainClassifier } from '../src/classify';
import { GPT, makeConfig } from '../src/model';
import { BpeTokenizer } from '../src/tokenize';
import { assertCleanFailure, cli } from './safety-helpers';

interface Case {
  readonly name: 'lm' | 'image' | 'classifier';
  /** The run: long enough that a SIGINT after its first step lands mid-way. */
  readonly args: (out: string) => string[];
  /** Flags of a short run that checkpoints every 2 steps (for the NaN test). */
  readonly every2: string[];
  /** The numbers of the final report that an interrupted-and-resumed run must reproduce. */
  readonly numbers: readonly string[];
}

describe('the training driver, through every train command (CLI, pico models)', function () {
  this.timeout(600_000);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lgpt-driver-'));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const lmDir = path.join(tmp, 'pretrained');
  before(() => {
    const tok = BpeTokenizer.train('cheap meds now. win money fast. meeting at noon. kernel patch review. '.repeat(12), 300);
    const model = new GPT(makeConfig({ preset: 'pico', vocabSize: tok.vocabSize }), { seed: 3 });
    saveCheckpoint(lmDir, model, { kind: 'lm', tokenizer: tok.toJSON() });
    model.dispose();
  });

  const cases: Case[] = [
    { name: 'lm', args: (out) => ['train', 'lm', '--preset', 'pico', '--steps', '60', '--eval-every', '30', '--seed', '5', '--out', out, '--json'],
      every2: ['--preset', 'pico', '--steps', '10', '--eval-every', '2'], numbers: ['steps', 'valLoss', 'tokensSeen'] },
    { name: 'image', args: (out) => ['train', 'image', '--preset', 'pico', '--batch', '4', '--steps', '60', '--eval-every', '30', '--eval-images', '10', '--seed', '5', '--out', out, '--json'],
      every2: ['--preset', 'pico', '--batch', '4', '--steps', '10', '--eval-every', '2', '--eval-images', '10'], numbers: ['steps', 'valLoss', 'tokensSeen'] },
    { name: 'classifier', args: (out) => ['train', 'classifier', '--pretrained', lmDir, '--seq', '16', '--batch', '8', '--steps', '60', '--save-every', '30', '--out', out, '--json'],
      every2: ['--pretrained', lmDir, '--seq', '16', '--batch', '8', '--steps', '10', '--save-every', '2'], numbers: ['steps', 'valLoss', 'valAccuracy', 'accuracy', 'f1'] },
  ];

  it('trainClassifier: stopped in its second epoch and resumed, it ends with the same accuracies, best epoch and weights', async () => {
    // 10 steps an epoch (4,750 subjects, 512 a batch); the stop comes after epoch 1's evaluation,
    // so a best epoch saved by the first process may be the one the resumed run restores.
    const o = { ...DEFAULT_FINETUNE, T: 16, batchSize: 512, epochs: 3, lr: 3e-3, seed: 2 };
    const a = await trainClassifier(path.join(tmp, 'api-a'), o, lmDir, false);
    let done = 0;
    const dir = path.join(tmp, 'api-b');
    const first = await trainClassifier(dir, o, lmDir, false, { onStep: (i) => { done = i.step; }, shouldStop: () => done >= 13 });
    first.model.dispose();
    assert.equal(first.stoppedEarly, true);
    assert.equal(first.steps, 13);
    assert.ok(fs.existsSync(path.join(dir, BEST_EPOCH_DIR, 'checkpoint.json')), 'epoch 1 was the best so far: its weights are on disk');
    const b = await trainClassifier(dir, o, lmDir, true);
    assert.equal(b.steps, 30);
    assert.deepEqual(b.valAccuracy, a.valAccuracy);
    assert.equal(b.bestEpoch, a.bestEpoch);
    let maxDiff = 0;
    for (const [name, v] of a.model.params) {
      const x = v.dataSync();
      const y = b.model.params.get(name)!.dataSync();
      for (let i = 0; i < x.length; i++) maxDiff = Math.max(maxDiff, Math.abs(x[i] - y[i]));
    }
    console.log(`      validation accuracy per epoch ${a.valAccuracy.map((x) => x.toFixed(4)).join(', ')}; best epoch ${a.bestEpoch + 1}; largest weight difference ${maxDiff}`);
    assert.ok(maxDiff < 1e-6, `weights differ by ${maxDiff}`);
    a.model.dispose();
    b.model.dispose();
  });

  for (const c of cases) {
    it(`train ${c.name}: SIGINT saves a checkpoint and exits at once; --resume ends at the numbers of an uninterrupted run`, async () => {
      const ref = await cli(c.args(path.join(tmp, `${c.name}-ref`)));
      assert.equal(ref.status, 0, ref.stderr);
      const refOut = JSON.parse(ref.stdout) as Record<string, number>;

      const dir = path.join(tmp, `${c.name}-int`);
      let sentAt = 0;
      const first = new RegExp(`^train ${c.name} 1/`, 'm'); // the progress line of step 1
      const r = await cli(c.args(dir), { onStderr: (child, _t, all) => { if (!sentAt && first.test(all)) { sentAt = Date.now(); child.kill('SIGINT'); } } });
      const secs = (Date.now() - sentAt) / 1000;
      assert.equal(r.status, 0, r.stderr);
      const stopped = JSON.parse(r.stdout) as { steps: number; stoppedEarly: boolean };
      assert.equal(stopped.stoppedEarly, true);
      assert.ok(stopped.steps >= 1 && stopped.steps < 60, `stopped at step ${stopped.steps}`);
      assert.match(r.stderr, /stopping: saving a checkpoint/);
      assert.match(r.stderr, new RegExp(`stopped at step ${stopped.steps} of 60: checkpoint saved in .* \\(continue with --resume\\)`));
      assert.equal(readCheckpointJson(dir).optimizer?.step, stopped.steps, 'the checkpoint holds every step done');

      const resumed = await cli(['train', c.name, '--resume', '--out', dir, '--json']);
      assert.equal(resumed.status, 0, resumed.stderr);
      assert.match(resumed.stderr, new RegExp(`resuming from step ${stopped.steps} of 60`));
      const out = JSON.parse(resumed.stdout) as Record<string, number>;
      console.log(`      SIGINT after step 1: stopped at step ${stopped.steps}, exit ${secs.toFixed(1)} s after the signal; resumed: ${c.numbers.map((k) => `${k} ${out[k]}`).join(', ')}`);
      for (const k of c.numbers) assert.ok(Math.abs(out[k] - refOut[k]) < 1e-6, `${k}: ${out[k]} resumed vs ${refOut[k]} uninterrupted`);
      if (c.name === 'classifier') {
        // The manifest names the command that started the run, and the --resume line that finished it.
        const m = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as { command: string; resumedWith: string };
        assert.equal(m.command, ['literate-gpt', ...c.args(dir)].join(' '));
        assert.equal(m.resumedWith, `literate-gpt train classifier --resume --out ${dir} --json`);
      }
    });

    it(`train ${c.name}: a NaN loss exits 2 with one line and keeps the last good checkpoint; a damaged train state is refused`, async () => {
      const dir = path.join(tmp, `${c.name}-nan`);
      const r = await cli(['train', c.name, ...c.every2, '--out', dir, '--json'], { env: { LGPT_INJECT_NAN_AT_STEP: '5' } });
      assert.equal(r.status, 2, r.stderr);
      assert.equal(r.stdout, '');
      assert.equal(r.stderr.trim().split('\n').pop(), `literate-gpt train ${c.name}: training diverged at step 5: loss is NaN; the checkpoint of step 4 in ${dir} is kept`);
      assert.equal(readCheckpointJson(dir).optimizer?.step, 4);

      // The kept checkpoint, its train state damaged by hand: --resume refuses it, naming the field.
      const file = path.join(dir, 'checkpoint.json');
      const json = JSON.parse(fs.readFileSync(file, 'utf8')) as { trainState: { rng: number[] } };
      json.trainState.rng = [1, 2, 3];
      fs.writeFileSync(file, JSON.stringify(json));
      const bad = await cli(['train', c.name, '--resume', '--out', dir, '--json']);
      assertCleanFailure(bad, /checkpoint\.json: trainState\.rng must be four 32-bit unsigned integers$/, `train ${c.name} --resume`);
    });
  }
});
