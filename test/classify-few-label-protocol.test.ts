// classify/few-label-protocol.ts: the protocol's file is read only when its intervals agree with its predictions.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pairedBootstrap } from '../src/baselines/bootstrap';
import { fewLabelProtocolByMethod, fewLabelProtocolFigure, fewLabelProtocolTable, readFewLabelProtocol } from '../src/classify/few-label-protocol';

describe('readFewLabelProtocol', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lgpt-protocol-'));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  // 40 test labels; two methods, seeds 4 and 5, predictions from a fixed pattern.
  const labels = Array.from({ length: 40 }, (_, i) => (i % 3 === 0 ? 1 : 0));
  const predsOf = (key: string, seed: number): string => labels.map((y, i) => ((i * seed + (key === 'task' ? 1 : 2)) % 5 === 0 ? 1 - y : y)).join('');
  function protocolFile(seeds: number[], tamper = 0): string {
    const cells: Record<string, object> = {};
    for (const key of ['task', 'nb']) for (const seed of seeds) {
      cells[`${key}|8|${seed}`] = { key, name: key, n: 8, seed, accuracy: 0, f1: 0, predictions: predsOf(key, seed) };
    }
    const num = (s: string) => Array.from(s, Number);
    const iv = pairedBootstrap(seeds.map((s) => num(predsOf('nb', s))), seeds.map((s) => num(predsOf('task', s))), labels, { samples: 2000, seed: 1 });
    const summary = [
      { n: 8, key: 'task', name: 'three stages', seeds, accuracy: 0.8, sd: 0.01, f1: 0.5 },
      { n: 8, key: 'nb', name: 'naive Bayes', seeds, accuracy: 0.7, sd: 0.02, f1: 0.4,
        vsReference: { reference: 'task', seeds: seeds.length, accuracy: { diff: iv.diff, lo: iv.lo + tamper, hi: iv.hi }, f1: { diff: 0, lo: 0, hi: 0 } } },
    ];
    const file = path.join(tmp, `p-${seeds.join('')}-${tamper}.json`);
    fs.writeFileSync(file, JSON.stringify({ cells, summary, steps: { task: { 8: 30 } } }));
    return file;
  }

  it('draws the forest plot: a row per method, the difference and its interval in points, the reference at 0', () => {
    const p = readFewLabelProtocol(protocolFile([4, 5]), labels, 'task');
    const fig = fewLabelProtocolFigure(p);
    assert.equal(fig.data.length, 1, 'one panel: one N');
    const t = fig.data[0] as unknown as { x: number[]; y: string[]; error_x: { array: number[]; arrayminus: number[] } };
    const nb = p.summary.find((r) => r.key === 'nb')!.vsReference!.accuracy;
    const i = t.y.indexOf('naive Bayes');
    assert.ok(Math.abs(t.x[i] - 100 * nb.diff) < 1e-9);
    assert.ok(Math.abs(t.x[i] + t.error_x.array[i] - 100 * nb.hi) < 1e-9);
    assert.ok(Math.abs(t.x[i] - t.error_x.arrayminus[i] - 100 * nb.lo) < 1e-9);
    assert.equal(t.x[t.y.indexOf('three stages')], 0);
    const relabelled = fewLabelProtocolFigure(p, { labels: { nb: 'NB' } }).data[0] as unknown as { y: string[] };
    assert.ok(relabelled.y.includes('NB') && !relabelled.y.includes('naive Bayes'));
  });

  it('reads a file whose intervals its predictions reproduce, and tables it', () => {
    const p = readFewLabelProtocol(protocolFile([4, 5]), labels, 'task');
    assert.deepEqual(p.seeds, [4, 5]);
    const rows = fewLabelProtocolTable(p);
    assert.equal(rows[0]['steps (fixed)'], 30);
    assert.equal(rows[0]['− reference, points [95 % interval]'], '(reference)');
    assert.match(String(rows[1]['− reference, points [95 % interval]']), /^[+-]\d+\.\d \[[+-]\d+\.\d, [+-]\d+\.\d\]$/);
    const byMethod = fewLabelProtocolByMethod(p, ['nb']);
    assert.deepEqual(byMethod.map((r) => r.method), ['naive Bayes', 'three stages']);
    assert.match(byMethod[0]['N = 8'], /^70\.0 ± 2\.0, F1 0\.40; [+-]\d+\.\d \[[+-]\d+\.\d, [+-]\d+\.\d\]$/);
    assert.equal(byMethod[1]['N = 8'], '80.0 ± 1.0, F1 0.50; reference');
  });

  it('refuses an interval its predictions do not give, naming the method and N', () => {
    assert.throws(() => readFewLabelProtocol(protocolFile([4, 5], 0.01), labels, 'task'), /interval of nb at N = 8/);
  });

  it('refuses a protocol run on a seed that chose the step counts', () => {
    assert.throws(() => readFewLabelProtocol(protocolFile([2, 5]), labels, 'task'), /seeds 2 chose the step counts/);
  });
});
