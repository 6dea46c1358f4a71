import { strict as assert } from 'assert';
import { brownBeforeAfter, brownSamples } from '../src/data';
import { untagLine, untagSample, untagTokens } from '../src/data/brown';

describe('data/brown', () => {
  it('strips the part-of-speech tags and rebuilds quotes and spacing', () => {
    assert.equal(
      untagLine("``/`` Only/rb a/at relative/jj handful/nn ''/'' ,/, the/at jury/nn said/vbd ./."),
      '"Only a relative handful", the jury said.',
    );
    assert.equal(untagLine('He/pps said/vbd (/( 1937/cd )/) :/: it/pps was/bedz 1/2/cd ;/. ;/.'), 'He said (1937): it was 1/2;');
    assert.equal(untagLine("`/` Yes/rb '/' ?/. ?/."), "'Yes'?");
    assert.equal(untagTokens(['Allen/np', 'Jr./np', './.']), 'Allen Jr.');
    assert.equal(untagTokens(['Not/*', 'so/ql', '!/.', '!/.', '--/--', 'never/rb']), 'Not so! -- never');
  });

  it('rebuilds paragraphs: a tab starts one, a headline is one, sentences of a paragraph continue it', () => {
    const raw = '\n\n\tThe/at jury/nn said/vbd ./.\nIt/pps urged/vbd ./.\n\n\nMerger/nn-hl proposed/vbn-hl \nHowever/wrb ,/, no/at ./.\n\n\n\t(/( Leave/vb it/ppo ./.\n)/) \n';
    assert.equal(untagSample(raw), 'The jury said. It urged.\n\nMerger proposed\n\nHowever, no.\n\n(Leave it.)');
  });

  it('reads all 500 samples in name order, 15 genres, no tag or TeX quote left', function () {
    this.timeout(60_000);
    const s = brownSamples();
    assert.equal(s.length, 500);
    assert.equal(s[0].id, 'ca01');
    assert.equal(s[499].id, 'cr09');
    assert.equal(new Set(s.map((x) => x.genre)).size, 15);
    const text = s.map((x) => x.text).join('\n\n');
    assert.ok(!/\w\/(?:at|nn|vbd|in|jj)\b/.test(text), 'a part-of-speech tag survived');
    // '' survives only as an inch mark inside a word (10''), never as a quote of its own.
    assert.ok(!text.includes('``') && !/(?:^|\s)''/.test(text), 'a TeX-style quote survived');
    assert.ok(!/ [,.;:?!](?!\d)/.test(text), 'a space before punctuation survived'); // ' .35', ' :35' are numbers
    assert.ok(s[0].text.startsWith('The Fulton County Grand Jury said Friday an investigation of Atlanta\'s recent primary election produced "no evidence" that any irregularities took place.'));
  });

  it('gives a raw/clean pair of a sample for a before/after view', () => {
    const p = brownBeforeAfter('ca01', 300);
    assert.equal(p.genre, 'news');
    assert.ok(p.raw.startsWith('The/at Fulton/np-tl County/nn-tl'), p.raw.slice(0, 40));
    assert.ok(p.clean.startsWith('The Fulton County Grand Jury said'), p.clean.slice(0, 40));
    assert.ok(p.clean.length <= 300 && p.raw.length <= 300);
    assert.throws(() => brownBeforeAfter('zz99'), /no Brown sample/);
  });
});
