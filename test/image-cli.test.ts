// `literate-gpt sample image` / `eval image`, run as a user runs them: a child process.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { saveCheckpoint } from '../src/checkpoint';
import { exportImageCheckpoint, imageLayout, imageMeta, uniformQuantizer } from '../src/image';
import { GPT, makeConfig } from '../src/model';
import { cli } from './safety-helpers';


/** stderr without tfjs-node's start-up chatter (lines from the native library). */
const ourLines = (stderr: string): string[] => stderr.split('\n').filter((l) => l.startsWith('literate-gpt'));

describe('image: CLI', function () {
  this.timeout(120_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lgpt-image-cli-'));
  const image = path.join(dir, 'image');
  const lm = path.join(dir, 'lm');
  const guided = path.join(dir, 'guided');
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  before(() => {
    // An untrained pico pixel model is enough to check shapes and errors.
    const layout = imageLayout(14, 14, 4);
    const model = new GPT(makeConfig({ preset: 'pico', vocabSize: layout.vocabSize, blockSize: layout.blockSize }), { seed: 1 });
    exportImageCheckpoint(image, model, imageMeta(layout, uniformQuantizer(4)));
    saveCheckpoint(lm, model, { kind: 'lm', tokenizer: null });
    model.dispose();
    // The same with the "no label" token that label dropout trains (what guidance needs).
    const withNull = imageLayout(14, 14, 4, true);
    const m2 = new GPT(makeConfig({ preset: 'pico', vocabSize: withNull.vocabSize, blockSize: withNull.blockSize }), { seed: 2 });
    exportImageCheckpoint(guided, m2, imageMeta(withNull, uniformQuantizer(4)));
    m2.dispose();
  });

  it('samples: {width, height, levels, palette, images} with N images of W·H levels; bad input exits 2 with one line', async () => {
    // Three processes side by side (each start costs seconds); other bad inputs of the shared
    // parser and checkpoint loader are tested with them.
    const [ok, bad, wrongKind] = await Promise.all([
      cli(['sample', 'image', '--checkpoint', image, '--label', '3', '--n', '2', '--seed', '4', '--json']),
      cli(['sample', 'image', '--checkpoint', image, '--label', '12', '--json']),
      cli(['eval', 'image', '--checkpoint', lm, '--json']),
    ]);
    assert.equal(ok.status, 0, ok.stderr);
    const r = JSON.parse(ok.stdout) as { width: number; height: number; levels: number; palette: number[]; images: number[][] };
    assert.deepEqual([r.width, r.height, r.levels], [14, 14, 4]);
    assert.deepEqual(r.palette, [0, 85, 170, 255]);
    assert.equal(r.images.length, 2);
    for (const img of r.images) { assert.equal(img.length, 196); assert.ok(img.every((v) => Number.isInteger(v) && v >= 0 && v < 4)); }
    for (const [res, pattern] of [[bad, /--label must be at most 9, got 12/], [wrongKind, /not an image model/]] as const) {
      assert.equal(res.status, 2, res.stderr);
      assert.equal(res.stdout, '');
      assert.equal(ourLines(res.stderr).length, 1, res.stderr);
      assert.match(res.stderr, pattern);
      assert.doesNotMatch(res.stderr, /\n\s+at /, 'no stack trace');
    }
  });

  it('guidance: sample image --guidance S and eval image --guidance S report what they used; a model without "no label" or a negative S exits 2', async () => {
    const [sampled, evaluated, noNull, negative] = await Promise.all([
      cli(['sample', 'image', '--checkpoint', guided, '--label', '7', '--n', '2', '--guidance', '2', '--json']),
      cli(['eval', 'image', '--checkpoint', guided, '--samples', '1', '--guidance', '1.5', '--json']),
      cli(['sample', 'image', '--checkpoint', image, '--label', '7', '--guidance', '2', '--json']),
      cli(['sample', 'image', '--checkpoint', guided, '--label', '7', '--guidance', '-1', '--json']),
    ]);
    assert.equal(sampled.status, 0, sampled.stderr);
    assert.equal((JSON.parse(sampled.stdout) as { images: number[][] }).images.length, 2);
    assert.equal(evaluated.status, 0, evaluated.stderr);
    const e = JSON.parse(evaluated.stdout) as Record<string, unknown>;
    for (const key of ['bitsPerPixel', 'conditionalAccuracy', 'judgeAccuracyOnReal', 'diversity', 'diversityOfReal']) {
      assert.equal(typeof e[key], 'number', `${key} in ${evaluated.stdout}`);
    }
    assert.equal(e.guidance, 1.5);
    assert.equal(e.samplesPerLabel, 1);
    for (const [res, pattern] of [[noNull, /without label dropout, so --guidance must be 1/], [negative, /guidance/]] as const) {
      assert.equal(res.status, 2, res.stderr);
      assert.equal(res.stdout, '');
      assert.equal(ourLines(res.stderr).length, 1, res.stderr);
      assert.match(res.stderr, pattern);
    }
  });
});
