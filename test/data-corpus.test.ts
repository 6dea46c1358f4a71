import { strict as assert } from 'assert';
import { InputError } from '../src/errors';
import { corpusParts, corpusSizes, encodePart, loadCorpus, loadSpam, SUBJECT_FRAME, toText, unigramBaseline, VAL_FRACTION } from '../src/data';
import { encodeCorpusTrain } from '../src/train/lm';
import { SEPARATOR_TEXT } from '../src/classify/prepare';
import { boundaryNear, holdOutEveryTenth, leakingDocuments, loadCorpusPart, mobyDickText, sotuAddresses, spamLmDocuments, splitMobyDick } from '../src/data/corpus';
import { contentKey } from '../src/data/spam';

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
    assert.ok(both.train.length > 9 * moby.train.length, `${both.train.length}`); // every tenth address is held out
    assert.ok(both.train.includes('Fellow-Citizens of the Senate and House of Representatives'));
    assert.ok(!both.train.includes(moby.val.slice(200, 400)), 'validation text leaked into training');
  });

  it('rejects unknown corpora with an InputError', () => {
    assert.throws(() => loadCorpus('shakespeare' as never), InputError);
    assert.throws(() => loadCorpus('moby-dick+shakespeare'), /'shakespeare' is not one of/);
    assert.throws(() => corpusParts('brown+brown'), /names a part twice/);
    assert.throws(() => corpusParts(''), InputError);
    assert.throws(() => corpusParts('moby-dick+'), InputError);
    assert.deepEqual(corpusParts('spam+moby-dick+brown'), ['spam', 'moby-dick', 'brown']);
  });

  it('holds out every tenth document', () => {
    const docs = Array.from({ length: 25 }, (_, i) => `d${i}`);
    const { train, heldOut } = holdOutEveryTenth(docs, '|');
    assert.equal(heldOut, 'd9|d19\n');
    assert.equal(train.split('|').length, 23);
    assert.ok(!train.split(/[|\n]/).includes('d9'));
    // Skipped documents go to neither side; the others keep theirs.
    const skipped = holdOutEveryTenth(docs, '|', new Set([3, 19]));
    assert.equal(skipped.heldOut, 'd9\n');
    assert.equal(skipped.train, train.replace('d3|', ''));
  });

  it('joins the parts in the order named; each part keeps its held-out slice out of training', function () {
    this.timeout(120_000);
    const c = loadCorpus('brown+moby-dick+sotu');
    assert.deepEqual(c.parts.map((p) => p.name), ['brown', 'moby-dick', 'sotu']);
    const moby = loadCorpus('moby-dick');
    assert.equal(c.val, moby.val, 'the headline validation text is always Moby Dick\'s last 10 %');
    assert.ok(c.train.startsWith(c.parts[0].train.trimEnd() + '\n\n' + moby.train.slice(0, 100)));
    assert.ok(c.train.trimEnd().endsWith(c.parts[2].train.trimEnd().slice(-200)));
    for (const p of c.parts) {
      assert.ok(p.heldOut.length > 0.08 * (p.train.length + p.heldOut.length) && p.heldOut.length < 0.13 * (p.train.length + p.heldOut.length), `${p.name} held-out share`);
      // Every held-out paragraph of 200+ characters is absent from the whole training text.
      for (const para of p.heldOut.split('\n\n').filter((x) => x.length >= 200).slice(0, 300)) {
        assert.ok(!c.train.includes(para.slice(0, 200)), `${p.name}: held-out text in training: ${para.slice(0, 60)}`);
      }
    }
    const sizes = corpusSizes(c);
    assert.deepEqual(sizes.map((x) => x.part), ['brown', 'moby-dick', 'sotu']);
    assert.equal(sizes[1].trainBytes, Buffer.byteLength(moby.train, 'utf8'));
    assert.match(c.description, /brown .* MB \+ moby-dick .* MB \+ sotu .* MB/);
    // The addresses: 9 in 10 train, every tenth held out, oldest first.
    const sotu = sotuAddresses();
    assert.ok(c.parts[2].train.startsWith(sotu[0].slice(0, 100)));
    assert.ok(c.parts[2].heldOut.startsWith(sotu[9].slice(0, 100)));
  });

  it('is deterministic for every part', function () {
    this.timeout(120_000);
    for (const name of ['brown', 'sotu'] as const) {
      const a = loadCorpusPart(name);
      const b = loadCorpusPart(name);
      assert.equal(a.train, b.train);
      assert.equal(a.heldOut, b.heldOut);
    }
    assert.equal(Buffer.byteLength(loadCorpusPart('brown').train, 'utf8'), 5376573);
    assert.equal(Buffer.byteLength(loadCorpusPart('brown').heldOut, 'utf8'), 600831);
  });

  it('spam part: message text of the training split only, no validation or test message leaks in', function () {
    this.timeout(180_000);
    const data = loadSpam();
    const part = loadCorpusPart('spam');
    const docs = spamLmDocuments(data.train);
    assert.equal(docs.length, data.train.length);
    // One training spam holds a test spam whole (plus a longer footer): it is left out, and
    // every other message keeps its side of the every-tenth split.
    const leaking = leakingDocuments(docs, [...data.val, ...data.test]);
    assert.equal(leaking.size, 1);
    const plain = holdOutEveryTenth(docs, '\n\n\n');
    const [k] = [...leaking];
    const withoutLeak = (text: string): string => text.replace(docs[k] + '\n\n\n', '').replace('\n\n\n' + docs[k] + '\n', '\n');
    assert.equal(part.train, k % 10 === 9 ? plain.train : withoutLeak(plain.train));
    assert.equal(part.heldOut, k % 10 === 9 ? withoutLeak(plain.heldOut) : plain.heldOut);
    assert.ok(part.train.startsWith(toText(data.train[0], 'subject+body', Infinity).trim()));
    const all = part.train + part.heldOut;
    // No validation/test message's content key is among the corpus's documents…
    const trainKeys = new Set(data.train.map((e) => contentKey(e.subject, e.body)));
    let checked = 0;
    for (const e of [...data.val, ...data.test]) {
      assert.ok(!trainKeys.has(contentKey(e.subject, e.body)), `${e.id} is also in the training split`);
      // …and no validation/test message's text (of 100+ characters, so not a stock line) is in it.
      const text = toText(e, 'subject+body', Infinity).trim();
      if (text.length < 100) continue;
      checked++;
      assert.ok(!all.includes(text), `validation/test message ${e.id} leaked into the spam corpus`);
    }
    assert.ok(checked > 1000, `only ${checked} validation/test messages long enough to check`);
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

  it('spam-subjects: training subjects framed as the classifier reads them, encoded document by document', function () {
    this.timeout(60_000);
    const p = loadCorpusPart('spam-subjects');
    const ds = loadSpam();
    assert.deepEqual(p.documents!.train, ds.train.map((e) => e.subject));
    assert.deepEqual(p.documents!.heldOut, ds.val.map((e) => e.subject), 'held out: the validation subjects (scored only)');
    const testSubjects = new Set(ds.test.map((e) => e.id));
    assert.ok(ds.train.every((e) => !testSubjects.has(e.id)));
    assert.deepEqual([SEPARATOR_TEXT.start, SEPARATOR_TEXT.extract], [SUBJECT_FRAME.start, SUBJECT_FRAME.end], 'the frame is what <s>/<e> copy');
    assert.equal(p.train, p.documents!.train.map((x) => `\n\n${x}\n`).join(''));
    // A toy tokenizer: one id per character, except that a run of newlines is one token, so that
    // encoding the joined text would merge a document's end with the next one's start.
    const tok = { encode: (t: string): number[] => (t.match(/\n+|[^\n]/g) ?? []).map((c) => (c[0] === '\n' ? 1000 + c.length : c.charCodeAt(0))) };
    const small = { ...p, documents: { ...p.documents!, train: ['ab', 'c'] } };
    assert.deepEqual(Array.from(encodePart(tok, small, 'train')), [1002, 97, 98, 1001, 1002, 99, 1001]);
    assert.deepEqual(tok.encode('\n\nab\n\n\nc\n'), [1002, 97, 98, 1003, 99, 1001], 'what whole-text encoding would have done');
    // A text part is encoded whole, as before.
    const text = loadCorpusPart('sotu');
    assert.deepEqual(Array.from(encodePart(tok, { ...text, train: 'x\n\ny' }, 'train')), tok.encode('x\n\ny'));
  });

  it('the training ids of a corpus: unchanged for text parts, per part with framed documents', function () {
    this.timeout(60_000);
    const tok = { encode: (t: string): number[] => Array.from(t, (c) => c.charCodeAt(0)), vocabSize: 0x10000, decode: () => '' };
    const moby = loadCorpus('moby-dick');
    assert.deepEqual(Array.from(encodeCorpusTrain(tok as never, moby).slice(0, 50)), tok.encode(moby.train).slice(0, 50));
    const both = loadCorpus('sotu+spam-subjects');
    const ids = encodeCorpusTrain(tok as never, both);
    const sotuIds = tok.encode(both.parts[0].train.trimEnd());
    assert.deepEqual(Array.from(ids.slice(0, sotuIds.length)), sotuIds);
    assert.deepEqual(Array.from(ids.slice(sotuIds.length, sotuIds.length + 2)), [10, 10], 'parts joined by a blank line');
    assert.equal(ids.length, sotuIds.length + 2 + encodePart(tok, both.parts[1], 'train').length);
  });
});

