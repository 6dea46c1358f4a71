// viz/scaling.ts: chapter 04's scaling file read, interpolated and ordered.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadScaling, lossAtTokens, scalingFigure, scalingOrders } from '../src/viz/scaling';

const run = (name: string, parameters: number, bpb: number, history: [number, number][]) => ({
  name, parameters, bitsPerByte: bpb, steps: history.length ? history[history.length - 1][0] : 7, valLoss: 9, tokensSeen: 0,
  trainMinutes: 1, tokensPerSecond: 1, config: { vocabSize: 2, blockSize: 2, nLayer: 1, nHead: 1, nEmbd: 2, dropout: 0 },
  history: history.map(([step, valLoss]) => ({ step, valLoss, trainLoss: NaN, elapsedMs: 0 })),
  loadBefore: { loadAvg1: 0 }, loadAfter: { loadAvg1: 0 },
});

describe('scaling results (viz/scaling.ts)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lgpt-scaling-'));
  const file = path.join(dir, 'scaling.json');
  fs.writeFileSync(file, JSON.stringify({
    created: '2026-01-01', command: 'x', minutesPerSize: 4, backend: 'cpu', machine: 'm', contention: 'none',
    runs: [run('small', 10, 2.0, [[10, 5], [20, 4]]), run('big', 100, 2.5, [[10, 4.5]]), run('empty', 50, 2.2, [])],
  }));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('gives a run without evaluations its final loss as its only point', () => {
    const s = loadScaling(file, 100);
    assert.deepEqual(s.runs[2].history.map((p) => [p.step, p.valLoss]), [[7, 9]]);
  });

  it('interpolates the loss between evaluations, and holds it before the first', () => {
    const s = loadScaling(file, 100);
    assert.equal(lossAtTokens(s.runs[0], 1500, 100), 4.5);
    assert.equal(lossAtTokens(s.runs[0], 500, 100), 5);
  });

  it('orders per token at the shortest run\'s tokens and per minute by bits per byte', () => {
    const s = loadScaling(file, 100);
    const o = scalingOrders(s);
    assert.equal(o.common, 700);
    assert.deepEqual(o.perToken.map((r) => r.name), ['big', 'small', 'empty']);
    assert.deepEqual(o.perMinute.map((r) => r.name), ['small', 'empty', 'big']);
    assert.equal(scalingFigure(s).data.length, 3);
  });
});
