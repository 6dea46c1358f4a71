// image/manifest.ts: the shipped image checkpoint's manifest, read with what is missing named.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { InputError } from '../src/errors';
import { readImageManifest } from '../src/image/manifest';

describe('readImageManifest', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lgpt-imanifest-'));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('reads the shipped data/checkpoints/image manifest', () => {
    const m = readImageManifest(path.join(__dirname, '..', 'data', 'checkpoints', 'image'));
    assert.ok(m.steps > 0 && m.history.length > 0, `steps ${m.steps}, ${m.history.length} evaluations`);
    assert.equal(typeof m.evaluation.guidance, 'number');
    assert.equal(typeof m.training.labelDropout, 'number');
  });

  it('says how to make a missing manifest, and names what a partial one lacks', () => {
    assert.throws(() => readImageManifest(tmp), (e: unknown) => e instanceof InputError && /literate-gpt export image/.test(e.message));
    fs.writeFileSync(path.join(tmp, 'manifest.json'), JSON.stringify({ command: 'x', steps: 1 }));
    assert.throws(() => readImageManifest(tmp), /no wallSeconds, bitsPerPixel, conditionalAccuracy, classifierAccuracy, training, evaluation, history/);
    fs.writeFileSync(path.join(tmp, 'manifest.json'), '{');
    assert.throws(() => readImageManifest(tmp), /not valid JSON/);
  });
});
