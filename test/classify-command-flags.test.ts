// classify/command-flags.ts: which flags two recorded training commands differ in.
import { strict as assert } from 'assert';
import { commandFlags, differingFlags } from '../src/classify/command-flags';

describe('command flags', () => {
  const curve = 'literate-gpt train classifier --task subject --seq 48 --lr 1e-3 --dropout 0 --lambda 0.5 --token-init separators '
    + '--init pretrained --pretrained data/checkpoints/lm --seed 2 --epochs 4 --out out/a --force && literate-gpt eval classifier --checkpoint out/a';
  const shipped = 'literate-gpt train classifier --task subject --epochs 4 --seq 48 --lr 1e-3 --init pretrained --lambda 0.5 --dropout 0 --out out/b --json';
  const defaults = { 'token-init': 'random', pretrained: 'data/checkpoints/lm', seed: '1' };

  it('reads --flag value pairs before &&, a bare flag as empty, defaults for what is left unsaid', () => {
    const f = commandFlags(shipped + ' --verbose', defaults);
    assert.equal(f.get('lr'), '1e-3');
    assert.equal(f.get('json'), '');
    assert.equal(f.get('verbose'), '');
    assert.equal(f.get('token-init'), 'random');
    assert.equal(commandFlags(curve).get('checkpoint'), undefined, 'the chained eval is not read');
  });

  it('names the flags two runs differ in, output flags and ignored ones left out', () => {
    assert.deepEqual(differingFlags(curve, shipped, { defaults }), [['seed', '2', '1'], ['token-init', 'separators', 'random']]);
    assert.deepEqual(differingFlags(curve, shipped, { defaults, ignore: ['seed'] }), [['token-init', 'separators', 'random']]);
    assert.deepEqual(differingFlags(shipped, shipped.replace('--lr 1e-3', '--lr 1e-3'), { defaults }), []);
  });
});
