import { strict as assert } from 'assert';
import { InputError } from '../src/errors';
import { loadCorpus, unigramBaseline, VAL_FRACTION } from '../src/data';
import { boundaryNear, mobyDickText, splitMobyDick } from '../src/data/corpus';

describe('data/corpus', () => {
  it('holds out the last ~10 % of Moby Dick, cut at a paragraph, heading kept with its chapter', () => {
    const c = loadCorpus('moby-dick');
    const frac = c.val.length / (c.train.length + c.val.length);
    assert.ok(Math.abs(frac - VAL_FRACTION) < 0.005, `val fraction ${frac}`);
    assert.ok(c.val.startsWith('CHAPTER 124. The Needle.\n\n'), c.val.slice(0, 40));
    assert.ok(c.train.startsWith('CONTENTS'));
    assert.ok(c.train.endsWith('Thou know\'st what to say."\n'));
    assert.ok(c.val.trimEnd().endsWith('only found another orphan.'));
    // Nothing is lost but the whitespace at the cut.
    const full = mobyDickText();
    assert.equal(full.replace(/\s+/g, ''), (c.train + c.val).replace(/\s+/g, ''));
    assert.match(c.description, /Moby Dick.*M chars/);
  });

  it('is deterministic', () => {
    const a = loadCorpus('moby-dick');
    const b = loadCorpus('moby-dick');
    assert.equal(a.train, b.train);
    assert.equal(a.val, b.val);
    assert.equal(a.train.length, 1095542);
    assert.equal(a.val.length, 121989);
  });

  it('adds SOTU to the training text only', () => {
    const moby = loadCorpus('moby-dick');
    const both = loadCorpus('moby-dick+sotu');
    assert.equal(both.val, moby.val);
    assert.ok(both.train.startsWith(moby.train));
    assert.ok(both.train.length > 10 * moby.train.length, `${both.train.length}`);
    assert.ok(both.train.includes('Fellow-Citizens of the Senate and House of Representatives'));
    assert.ok(!both.train.includes(moby.val.slice(200, 400)), 'validation text leaked into training');
  });

  it('rejects unknown corpora with an InputError', () => {
    assert.throws(() => loadCorpus('shakespeare' as never), InputError);
  });

  it('cuts at the paragraph boundary nearest the mark, else a line, else the mark', () => {
    const text = 'aaaa\n\nbbbb\ncccc\n\ndddd'; // paragraphs start at 0, 6, 17
    assert.equal(boundaryNear(text, 0.5), 17); // mark 10.5 → 11: '\n\n' at 15 is nearer than at 4
    assert.equal(boundaryNear('abc\ndefghij', 0.5), 4);
    assert.equal(boundaryNear('abcdefghij', 0.3), 3);
    assert.throws(() => boundaryNear(text, 1), InputError);
  });

  it('moves a chapter heading stranded at the cut into validation', () => {
    const text = `${'x'.repeat(88)}\n\nCHAPTER 2. Two.\n\n${'y'.repeat(10)}`;
    const { train, val } = splitMobyDick(text);
    assert.equal(train, `${'x'.repeat(88)}\n`);
    assert.ok(val.startsWith('CHAPTER 2. Two.'));
  });

  it('unigram baseline: Laplace-smoothed cross-entropy by hand', () => {
    // counts 0:2, 1:1, N = 3, V = 2 → p(0) = 3/5, p(1) = 2/5
    const ce = unigramBaseline([0, 0, 1], [0, 1], 2);
    assert.ok(Math.abs(ce - -(Math.log(3 / 5) + Math.log(2 / 5)) / 2) < 1e-12);
    // no training data → uniform → ln V
    assert.ok(Math.abs(unigramBaseline([], [3, 1], 5) - Math.log(5)) < 1e-12);
    assert.throws(() => unigramBaseline([0, 2], [0], 2), InputError);
    assert.throws(() => unigramBaseline([0], [], 2), InputError);
  });
});
