// classify/stand-ins.ts: chapter 05 reads the shipped files, and the stand-ins only while one is missing.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { classifierOrStandIn, languageModelOrStandIn, readClassifierComparison } from '../src/classify/stand-ins';
import { InputError } from '../src/errors';

describe('chapter 05 stand-ins', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lgpt-standins-'));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const folder = (name: string, withCheckpoint: boolean): string => {
    const dir = path.join(tmp, name);
    fs.mkdirSync(dir, { recursive: true });
    if (withCheckpoint) fs.writeFileSync(path.join(dir, 'checkpoint.json'), '{}');
    return dir;
  };

  it('reads the shipped comparison when it is there, else the quick one, else says what to run', () => {
    const shipped = path.join(tmp, 'shipped.json'), quick = path.join(tmp, 'quick.json');
    fs.writeFileSync(quick, JSON.stringify({ created: 'q', quick: true, runs: [], baselines: {} }));
    assert.deepEqual([readClassifierComparison(shipped, quick).shipped, readClassifierComparison(shipped, quick).comparison.created], [false, 'q']);
    fs.writeFileSync(shipped, JSON.stringify({ created: 's', quick: false, runs: [], baselines: {} }));
    assert.deepEqual([readClassifierComparison(shipped, quick).shipped, readClassifierComparison(shipped, quick).comparison.created], [true, 's']);
    assert.throws(() => readClassifierComparison(path.join(tmp, 'none.json'), path.join(tmp, 'none2.json')), (e: unknown) => e instanceof InputError && /train-classifiers/.test(e.message));
  });

  it('takes the shipped classifier first, the quick one while it is missing', () => {
    const quick = folder('quick-clf', true);
    assert.deepEqual(classifierOrStandIn(folder('missing-clf', false), quick), { dir: quick, shipped: false });
    const shipped = folder('shipped-clf', true);
    assert.deepEqual(classifierOrStandIn(shipped, quick), { dir: shipped, shipped: true });
    assert.throws(() => classifierOrStandIn(folder('a', false), folder('b', false)), InputError);
  });

  it('returns the shipped LM, or a stand-in already trained, without training anything', async () => {
    const shipped = folder('lm', true), standIn = folder('standin', true);
    assert.deepEqual(await languageModelOrStandIn(shipped, standIn, { blockSize: 16, steps: 1, seed: 1 }), { dir: shipped, shipped: true });
    assert.deepEqual(await languageModelOrStandIn(folder('no-lm', false), standIn, { blockSize: 16, steps: 1, seed: 1 }), { dir: standIn, shipped: false });
  });
});
