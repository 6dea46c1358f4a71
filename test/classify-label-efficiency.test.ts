// The label-efficiency results: reading the file, the summary over seeds, the figure.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { type LabelEfficiencyCell, labelEfficiencyAt, labelEfficiencyFigure, labelEfficiencyNs, labelEfficiencyTable, readLabelEfficiency, summarizeLabelEfficiency } from '../src/classify';
import { InputError } from '../src/errors';

const cell = (key: string, n: number | 'all', seed: number, accuracy: number): LabelEfficiencyCell =>
  ({ task: 'subject', model: key === 'nb' ? 'naive Bayes' : `model ${key}`, key, n, seed, accuracy, f1: 0.5, command: 'x', wallSeconds: 1 });

describe('classify: label-efficiency results', () => {
  const cells = [cell('nb', 32, 1, 0.7), cell('nb', 32, 2, 0.8), cell('nb', 32, 3, 0.75), cell('broad', 'all', 1, 0.9), cell('broad', 32, 1, 0.6)];

  it('summarizeLabelEfficiency: mean, sample standard deviation, min and max per (model, N), sorted', () => {
    const pts = summarizeLabelEfficiency(cells, 4750);
    assert.deepEqual(pts.map((p) => `${p.key}|${p.n}|${p.examples}`), ['broad|32|32', 'broad|all|4750', 'nb|32|32']);
    const nb = labelEfficiencyAt(pts, 'nb', 32)!;
    assert.ok(Math.abs(nb.mean - 0.75) < 1e-12);
    assert.ok(Math.abs(nb.sd - 0.05) < 1e-12, String(nb.sd));
    assert.deepEqual([nb.min, nb.max, nb.seeds], [0.7, 0.8, [1, 2, 3]]);
    assert.equal(labelEfficiencyAt(pts, 'broad', 'all')!.sd, 0, 'one seed: no spread');
    assert.equal(labelEfficiencyAt(pts, 'moby', 32), undefined);
  });

  it('labelEfficiencyNs and labelEfficiencyTable: N ascending with all last; a row per model, mean ± sd, seeds counted when fewer, — when not run', () => {
    const pts = summarizeLabelEfficiency(cells, 4750);
    assert.deepEqual(labelEfficiencyNs(pts), [32, 'all']);
    assert.deepEqual(labelEfficiencyTable(pts), [
      { model: 'model broad', 'N = 32': '60.0 ± 0.0 (1 seed)', 'N = all': '90.0 ± 0.0 (1 seed)' },
      { model: 'naive Bayes', 'N = 32': '75.0 ± 5.0', 'N = all': '—' },
    ]);
    assert.deepEqual(labelEfficiencyTable(pts, { spread: false })[1], { model: 'naive Bayes', 'N = 32': '75.0', 'N = all': '—' });
  });

  it('labelEfficiencyFigure: a line per model on a log axis, bars from lowest to highest seed, always-ham dashed', () => {
    const fig = labelEfficiencyFigure(summarizeLabelEfficiency(cells, 4750), { majority: 0.69 });
    const xaxis = fig.layout!.xaxis as { type: string; ticktext: string[] };
    assert.equal(xaxis.type, 'log');
    const nb = fig.data.find((t) => t.name === 'naive Bayes') as unknown as { x: number[]; y: number[]; error_y: { array: number[]; arrayminus: number[] } };
    assert.equal(nb.x.length, 1);
    assert.ok(Math.abs(nb.x[0] / 32 - 1) < 0.1, `${nb.x[0]}: drawn a little apart from 32, not far`);
    assert.ok(Math.abs(nb.error_y.array[0] - 0.05) < 1e-12 && Math.abs(nb.error_y.arrayminus[0] - 0.05) < 1e-12);
    const broad = fig.data.find((t) => t.name === 'model broad') as unknown as { x: number[] };
    assert.ok(broad.x.length === 2 && Math.abs(broad.x[1] / broad.x[0] - 4750 / 32) < 1e-9);
    assert.notEqual(broad.x[0], nb.x[0], 'two models at one N are set apart');
    assert.ok(fig.data.some((t) => t.name === 'always "ham"'));
    assert.ok(xaxis.ticktext.includes('all (4750)'));
  });

  it('readLabelEfficiency: the shipped file reads; a missing, broken or malformed file is one clear error', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lgpt-le-'));
    try {
      assert.throws(() => readLabelEfficiency(path.join(tmp, 'none.json')), (e: Error) => e instanceof InputError && /does not exist: run/.test(e.message));
      fs.writeFileSync(path.join(tmp, 'bad.json'), '{"cells": ');
      assert.throws(() => readLabelEfficiency(path.join(tmp, 'bad.json')), /not valid JSON/);
      fs.writeFileSync(path.join(tmp, 'odd.json'), JSON.stringify({ cells: { a: { ...cell('nb', 32, 1, 0.7), accuracy: 7 } } }));
      assert.throws(() => readLabelEfficiency(path.join(tmp, 'odd.json')), /cell 'a' is malformed/);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
    const shipped = path.join(__dirname, '..', 'data', 'results', 'label-efficiency.json');
    if (fs.existsSync(shipped)) {
      const r = readLabelEfficiency(shipped);
      for (const c of Object.values(r.cells)) assert.ok(c.command.length > 0 && (c.key === 'nb' || /literate-gpt train classifier/.test(c.command)), c.command);
    }
  });
});
