// Bits per byte on each corpus part's held-out slice: the library function, and `eval lm --json`
// run as a user runs it, both on the shipped language model.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { loadCheckpoint } from '../src/checkpoint';
import { loadCorpus } from '../src/data';
import { evaluateCorpusParts } from '../src/train/lm';
import { cli } from './safety-helpers';

const root = path.join(__dirname, '..');
const shipped = path.join(root, 'data/checkpoints/lm');
const manifest = JSON.parse(fs.readFileSync(path.join(shipped, 'manifest.json'), 'utf8')) as { bitsPerByte: number };

describe('language model: bits per byte per corpus part', function () {
  this.timeout(300_000);

  it('scores each part on its held-out slice; for Moby Dick that is the manifest\'s headline', () => {
    const ck = loadCheckpoint(shipped);
    const scores = evaluateCorpusParts(ck.model, ck.tokenizer!, loadCorpus('moby-dick'));
    ck.model.dispose();
    assert.deepEqual(Object.keys(scores), ['moby-dick']);
    assert.ok(Math.abs(scores['moby-dick']!.bitsPerByte - manifest.bitsPerByte) < 1e-5, `${scores['moby-dick']!.bitsPerByte} vs ${manifest.bitsPerByte}`);
    assert.equal(scores['moby-dick']!.bytes, 122689);
  });

  it('eval lm --json reports bitsPerBytePerCorpus and the part sizes; an unknown part is refused', async () => {
    const r = await cli(['eval', 'lm', '--checkpoint', shipped, '--json']);
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { bitsPerByte: number; bitsPerBytePerCorpus: Record<string, number>; corpus: string; trainedOn: string; corpusSizes: { part: string; trainBytes: number }[] };
    assert.equal(out.corpus, 'moby-dick');
    assert.equal(out.trainedOn, 'moby-dick');
    assert.ok(Math.abs(out.bitsPerByte - manifest.bitsPerByte) < 1e-5);
    assert.deepEqual(Object.keys(out.bitsPerBytePerCorpus), ['moby-dick']);
    assert.equal(out.bitsPerBytePerCorpus['moby-dick'], out.bitsPerByte);
    assert.deepEqual(out.corpusSizes.map((s) => [s.part, s.trainBytes]), [['moby-dick', 1098294]]);
    const bad = await cli(['eval', 'lm', '--checkpoint', shipped, '--corpus', 'moby-dick+shakespeare', '--json']);
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /'shakespeare' is not one of moby-dick, brown, sotu, spam/);
  });

  it('train lm refuses an unknown corpus part and a --mix that does not match the parts, before any work', async () => {
    const out = path.join(root, 'out', 'test-lm-corpus-refused');
    const a = await cli(['train', 'lm', '--corpus', 'moby-dick+bogus', '--steps', '1', '--out', out]);
    assert.notEqual(a.status, 0);
    assert.match(a.stderr, /unknown corpus 'moby-dick\+bogus': 'bogus' is not one of/);
    const b = await cli(['train', 'lm', '--corpus', 'moby-dick+brown', '--mix', '1', '--steps', '1', '--out', out]);
    assert.notEqual(b.status, 0);
    assert.match(b.stderr, /--mix needs 2 non-negative numbers/);
    assert.ok(!fs.existsSync(path.join(out, 'checkpoint.json')));
  });
});
