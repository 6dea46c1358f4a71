// viz/prose-quantities and viz/prose-check: the stale-prose check (issue 27). The extractor on real
// sentences of the chapters, and the check on notebooks whose claims outputs are made by the real
// lg.claims bundle: a covered quantity passes, a planted stale one fails naming cell and sentence.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { claimsBundle, claimsRecord, type Claim } from '../src/viz/claims';
import { checkProse, claimsFromSource, type NotebookJson } from '../src/viz/prose-check';
import { findPhrase, proseCell } from '../src/viz/prose-quantities';

/** The quantities of a markdown text, in order. */
const quantities = (md: string): string[] => proseCell(md).sentences.flatMap((s) => s.quantities.map((q) => q.text));

const markdown = (source: string) => ({ cell_type: 'markdown', source, metadata: {} });
const claimsCell = (list: Claim[], fast = false, options = {}) => ({
  cell_type: 'code', source: 'lg.claims([...])', metadata: {},
  outputs: [{ output_type: 'display_data', data: claimsBundle(claimsRecord(list, options, fast)), metadata: {} }],
});

interface Runner { parseArgs(argv: string[]): { proseCheck: boolean; fast: boolean; filters: string[] } }
// eslint-disable-next-line @typescript-eslint/no-require-imports
const runner = require('../scripts/run-notebooks.js') as Runner;

describe('viz prose check', () => {
  it('npm start runs the check unless --no-prose-check (CI runs it as a step of its own)', () => {
    assert.equal(runner.parseArgs(['05']).proseCheck, true);
    assert.deepEqual(runner.parseArgs(['--fast', '--no-prose-check', '05']), { fast: true, timeout: 1800, proseCheck: false, filters: ['05'] });
  });

  describe('the extractor, on sentences of the chapters', () => {
    it('finds numbers, with thousands separators, units and percentages', () => {
      assert.deepEqual(quantities('An id is a name, not a quantity: token 17 is no closer to token 18 than to 1,900 others.'), ['1,900']);
      assert.deepEqual(quantities('`lg.loadCorpus` holds out the last ~10 % of the book: we train on the first 90 % of it.'), ['~10 %', '90 %']);
      assert.deepEqual(quantities('the output shows 146× against 0.41 and 26 s'), ['146×', '0.41', '26']);
    });

    it('finds quantitative words and phrases as the issue lists them', () => {
      assert.deepEqual(quantities('A fresh head gives probabilities close to ½.'), ['close to ½']);
      assert.deepEqual(quantities('The label gets about an eighth of layer 0\'s attention.'), ['about an eighth']);
      assert.deepEqual(quantities('After a few minutes of fine-tuning, 0, 1, 3, 6, 7, 9 come out most reliably.'),
        ['a few', '0', '1', '3', '6', '7', '9', 'most']);
      assert.deepEqual(quantities('More than two words in three are real words.'), ['More than two', 'three']);
      assert.deepEqual(quantities('the cache costs roughly twice as much, in a minute'), ['roughly', 'twice', 'a minute']);
      assert.deepEqual(quantities('a tenfold gain on a manifold, 3-fold faster'), ['tenfold', '3-fold']);
    });

    it('treats math as fixed, except decimals and percentages inside it', () => {
      assert.deepEqual(quantities('the scores are divided by $\\sqrt{d_k}$ and the variance grows by $2L$, roughly'), ['roughly']);
      assert.deepEqual(quantities('$$\\mathrm{softmax}\\!\\left(\\frac{QK^\\top}{\\sqrt{d_k}} + M\\right) V$$'), []);
      assert.deepEqual(quantities('a fresh head gives $p = 0.41$ and $1/(1-p)$'), ['0.41']);
      // A `<` in math is no HTML tag, even with a comment's `>` further on (chapter 06, cell 27).
      assert.deepEqual(quantities('$$-\\frac{1}{999 \\cdot 196} \\sum_{t} \\log_2 p_\\theta(p_t \\mid p_{<t}).$$\n\nUniform costs 2 bits.\n<!-- fixed: 12 -->'), ['2']);
    });

    it('does not count references, names, section numbers, years, code, quotations or list numbering', () => {
      const md = [
        '## 3.2.2 · What the article does',
        '',
        '*Article sections 2.1.2, 2.2.1, 2.2.3 and 3.2.3.* See notebook 04 and chapters 05 and 06, exercise 1.',
        'GPT-2 reads UTF-8 bytes (U+0800 – U+FFFF), as float16 weights; Sennrich et al., 2016 (and Vaswani et al. (2017)).',
        '`lg.fastOr(20, 2000)` and ```x = 3```',
        '',
        '> the article says 50 epochs',
        '',
        '1. why the ids must be integers;',
        '2. [a link](https://example.org/3) <img width="400">',
        '<!-- fixed: 12 -->',
        'How many tokens does the news title take now?',
      ].join('\n');
      assert.deepEqual(quantities(md), []);
    });

    it('splits sentences at full stops but not in "e.g." or decimals, and names them from the source', () => {
      const cell = proseCell('`LGPT_FAST=1` trains on 3.5 % of it, e.g. the first part. Two problems.\n\n- a list item with 4 heads');
      assert.deepEqual(cell.sentences.map((s) => s.text), ['`LGPT_FAST=1` trains on 3.5 % of it, e.g. the first part.', 'Two problems.', '- a list item with 4 heads']);
      assert.deepEqual(cell.sentences.map((s) => s.quantities.map((q) => q.text)), [['3.5 %'], ['Two'], ['4']]);
    });

    it('matches phrases ignoring case, emphasis and line breaks', () => {
      const text = 'the label gets **about an\neighth** of it';
      const [span] = findPhrase(text, 'About an eighth');
      assert.equal(text.slice(span.start, span.end), 'about an\neighth');
    });
  });

  describe('the check on an executed notebook', () => {
    const prose = 'A fresh head gives probabilities close to ½. Fine-tuning takes a few minutes.\n<!-- fixed: a 4-level palette -->\nHere with a 4-level palette.';
    const nb = (claims: Claim[], fast = false, options = {}): NotebookJson => ({
      cells: [markdown('# 05 · Fine-tuning'), claimsCell(claims, fast, options), markdown(prose)],
    });

    it('passes when every quantity is covered by a claim or a fixed-fact marker', () => {
      const r = checkProse(nb([['close to ½', true], ['26 s, not several minutes', true, 'a few minutes']]));
      assert.deepEqual(r.problems, []);
      assert.equal(r.quantitative, 3);
      assert.equal(r.covered, 3);
      assert.equal(r.byClaims, 2);
      assert.equal(r.byFixed, 1);
      assert.equal(r.claims, 2);
    });

    it('fails on an uncovered quantity, naming the cell and the sentence', () => {
      const r = checkProse(nb([['close to ½', true]]));
      assert.equal(r.problems.length, 1);
      assert.equal(r.problems[0].cell, 2);
      assert.equal(r.problems[0].sentence, 'Fine-tuning takes a few minutes.');
      assert.match(r.problems[0].message, /"a few"/);
    });

    it('fails on a false claim, on a normal-mode claim left unchecked, and on a marker or covers phrase the prose lost', () => {
      assert.match(checkProse(nb([['close to ½', false], ['a few minutes', true]])).problems[0].message, /the claim is false/);
      const skipped = checkProse(nb([['close to ½', true], ['a few minutes', true]], false, { skip: 'results incomplete' }));
      assert.ok(skipped.problems.some((p) => /not checked in normal mode \(results incomplete\)/.test(p.message)));
      const lost = checkProse({ cells: [claimsCell([['x', true, 'a dozen runs']]), markdown('No numbers.\n<!-- fixed: 12 heads -->')] });
      assert.deepEqual(lost.problems.map((p) => p.message), [
        'the claim covers "a dozen runs", which no markdown cell says',
        'a fixed-fact marker names a phrase the cell does not say',
      ]);
    });

    it('previews from the sources: the literals of a cell that calls lg.claims cover, unchecked; only a run decides', () => {
      const code = [
        "// the model's claims, checked (an apostrophe in a comment is no quote)",
        "const checks: [string, boolean][] = [['close to ½', p > 0.4], [`26 s (${s}) of fine-tuning`, s < 60]];",
        'lg.claims(checks);',
        "lg.claims([['a planted claim', ok, \"a few minutes\"]], { normalModeOnly: true });",
      ].join('\n');
      const source: NotebookJson = { cells: [{ cell_type: 'code', source: code, outputs: [] }, markdown(prose)] };
      assert.deepEqual(claimsFromSource(source).flatMap((r) => r.record.claims.map((c) => c.text)), ['close to ½', '26 s (', 'a planted claim', 'a few minutes']);
      assert.deepEqual(checkProse(source, { fromSource: true }).problems, []);
      assert.equal(checkProse(source).problems.length, 2); // without outputs, nothing is claimed
    });

    it('in fast mode, normal-mode-only claims cover their phrases without being checked', () => {
      const r = checkProse(nb([['close to ½', false], ['a few minutes', false]], true, { normalModeOnly: true }));
      assert.deepEqual(r.problems, []);
      assert.equal(r.fast, true);
    });

    // test/fixtures/prose/00-setup.executed.ipynb: out/00-setup.ipynb as `npm start -- 00` wrote it
    // (normal mode, 2026-12-06), with the one plotly output over 10 kB cut to its text/plain.
    const executed = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'prose', '00-setup.executed.ipynb'), 'utf8')) as {
      cells: { cell_type: string; source: string | string[] }[];
    };

    it('passes on an executed chapter (00, normal mode), covering its claims and markers', () => {
      const r = checkProse(executed as NotebookJson);
      assert.deepEqual(r.problems, []);
      assert.equal(r.claims, 1);
      assert.ok(r.quantitative >= 8 && r.covered === r.quantitative);
    });

    it('fails on a planted stale number in a copy of that executed chapter, naming the cell and the sentence', () => {
      const i = executed.cells.findIndex((c) => c.cell_type === 'markdown' && /temperature/.test(String(c.source)));
      const planted = { cells: executed.cells.map((c, k) => (k === i ? { ...c, source: [...[c.source].flat(), '\nAt T = 0.5 the top token gets 73 % of the mass.'] } : c)) };
      const r = checkProse(planted as NotebookJson);
      assert.equal(r.problems.length, 1);
      assert.equal(r.problems[0].cell, i);
      assert.equal(r.problems[0].sentence, 'At T = 0.5 the top token gets 73 % of the mass.');
      assert.match(r.problems[0].message, /"73 %"/);
    });

    it('fails when the run behind a claim made it false: "in a minute" on a slow run', () => {
      const slow = JSON.parse(JSON.stringify(executed).replace(/"holds":true/g, '"holds":false')) as NotebookJson;
      const r = checkProse(slow);
      assert.deepEqual(r.problems.map((p) => [p.sentence, p.message]), [['in a minute', 'the claim is false']]);
    });
  });
});
