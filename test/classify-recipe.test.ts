// The default recipe of `train classifier` (src/classify/recipe.ts): that it is the one the
// stage-3 choice on seeds 1–3 picks from the stored runs, and that `train classifier --train-size N`
// with no other flag runs it (and `--init scratch` the from-scratch arm) and records it.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { saveCheckpoint } from '../src/checkpoint';
import { chooseByValidation, chooseStage3, DEFAULT_RECIPE, fewLabelSteps, scratchSteps, STAGE2_CANDIDATES, STAGE3_CANDIDATES } from '../src/classify/recipe';
import { GPT, makeConfig } from '../src/model';
import { BpeTokenizer } from '../src/tokenize';
import { assertCleanFailure, cli } from './safety-helpers';

const ROOT = path.join(__dirname, '..');

describe('classify/recipe: the default recipe', () => {
  it('is the stage-3 schedule that the choice on seeds 1-3 picks (data/results/stage3-choice.json)', () => {
    const file = JSON.parse(fs.readFileSync(path.join(ROOT, 'data', 'results', 'stage3-choice.json'), 'utf8')) as { cells: Record<string, { key: string; n: number; seed: number; valAccuracy: number }> };
    const cells = Object.values(file.cells);
    assert.ok(cells.every((c) => [1, 2, 3].includes(c.seed)), 'the choice uses seeds 1-3 only');
    const { best, means, stage2 } = chooseStage3(cells);
    assert.equal(DEFAULT_RECIPE.stage3.key, best.key, `means ${JSON.stringify(means)}`);
    assert.equal(DEFAULT_RECIPE.stage2.key, stage2.best.key, `means ${JSON.stringify(stage2.means)}`);
    assert.equal(DEFAULT_RECIPE.pretrained, DEFAULT_RECIPE.stage2.pretrained);
    for (const c of STAGE2_CANDIDATES) assert.ok(fs.existsSync(path.join(ROOT, c.pretrained, 'checkpoint.json')), `${c.pretrained} is shipped`);
  });

  it('chooseStage3 refuses a missing run; the step rules', () => {
    const cells = STAGE3_CANDIDATES.flatMap((c, i) => [32, 128].flatMap((n) => [1, 2, 3].map((seed) => ({ key: c.key, n, seed, valAccuracy: 0.7 + 0.01 * i }))));
    assert.equal(chooseByValidation(STAGE3_CANDIDATES, cells).best.key, STAGE3_CANDIDATES[STAGE3_CANDIDATES.length - 1].key);
    assert.throws(() => chooseByValidation(STAGE3_CANDIDATES, cells.slice(1)), /lacks a run of seeds 1-3/);
    assert.throws(() => chooseStage3(cells), /'long' lacks a run/, 'the stage-2 step needs its own runs');
    assert.equal(fewLabelSteps(32, 32), DEFAULT_RECIPE.fewLabelSteps);
    assert.equal(fewLabelSteps(128, 32), DEFAULT_RECIPE.fewLabelSteps);
    assert.equal(fewLabelSteps(1024, 32), 128);
    assert.deepEqual([scratchSteps(32, 32), scratchSteps(128, 32), scratchSteps(1024, 32)], [10, 20, 128]);
  });

  describe('literate-gpt train classifier --train-size N', function () {
    this.timeout(240_000);
    let tmp: string;
    let lmDir: string;
    before(() => {
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lgpt-recipe-'));
      lmDir = path.join(tmp, 'lm');
      const tok = BpeTokenizer.train('cheap meds now. meeting at noon. win money fast. kernel patch review. '.repeat(12), 300);
      const model = new GPT(makeConfig({ preset: 'pico', vocabSize: tok.vocabSize }), { seed: 3 });
      saveCheckpoint(lmDir, model, { kind: 'lm', tokenizer: tok.toJSON() });
      model.dispose();
    });
    after(() => fs.rmSync(tmp, { recursive: true, force: true }));

    type Manifest = { steps: number; options: { unfreeze?: string; tokenInit?: string; maxSteps: number; evalEvery: number; trainSize: number; init: string; recipe: string } };
    const manifestOf = (dir: string): Manifest => JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as Manifest;

    it('runs the recipe: its fixed steps, the chosen stage 3, separators, the last step kept, and records it', async () => {
      const out = path.join(tmp, 'clf');
      const r = await cli(['train', 'classifier', '--pretrained', lmDir, '--seq', '16', '--train-size', '8', '--seed', '4', '--out', out, '--json'], { timeoutMs: 230_000 });
      assert.equal(r.status, 0, r.stderr);
      const m = manifestOf(out);
      assert.equal(m.steps, DEFAULT_RECIPE.fewLabelSteps);
      assert.equal(m.options.evalEvery, m.options.maxSteps, 'one evaluation, at the end: the last step is kept');
      assert.equal(m.options.unfreeze, DEFAULT_RECIPE.stage3.stage3.unfreeze);
      assert.equal(m.options.tokenInit, 'separators');
      assert.equal(m.options.trainSize, 8);
      // --pretrained differs from the recipe's LM, so the record says what changed.
      assert.match(m.options.recipe, /changed: --pretrained/);
    });

    it('--init scratch runs the from-scratch arm: 10 steps, plain stage 3', async () => {
      const out = path.join(tmp, 'scratch');
      const r = await cli(['train', 'classifier', '--pretrained', lmDir, '--seq', '16', '--train-size', '8', '--init', 'scratch', '--out', out, '--json'], { timeoutMs: 230_000 });
      assert.equal(r.status, 0, r.stderr);
      const m = manifestOf(out);
      assert.equal(m.steps, 10);
      assert.equal(m.options.unfreeze, undefined);
      assert.match(m.options.recipe, /^from scratch/);
    });

    it('a bad stage-3 flag: exit 2, one line, nothing written', async () => {
      const out = path.join(tmp, 'never');
      assertCleanFailure(await cli(['train', 'classifier', '--pretrained', lmDir, '--train-size', '8', '--unfreeze', 'sometimes', '--out', out]), /unfreeze/, '--unfreeze sometimes');
      assert.equal(fs.existsSync(out), false);
    });
  });
});
