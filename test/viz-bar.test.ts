// viz/bar.ts: the bar-chart spec, checked without a browser.
import { strict as assert } from 'assert';
import { barFigure, plotBar } from '../src/viz';

describe('viz: bar charts', () => {
  it('has one bar per label, in the order given, with category labels kept as names', () => {
    const fig = barFigure(['2', '10', 'the'], [0.5, 0.3, 0.2], { title: 'next token', yTitle: 'probability' });
    assert.equal(fig.data.length, 1);
    assert.equal(fig.data[0].type, 'bar');
    assert.deepEqual(fig.data[0].x, ['2', '10', 'the']);
    assert.deepEqual(fig.data[0].y, [0.5, 0.3, 0.2]);
    assert.equal((fig.layout!.xaxis as { type: string }).type, 'category');
    assert.deepEqual(fig.layout!.title, { text: 'next token' });
    assert.equal(fig.data[0].text, undefined);
  });

  it('prints the values above the bars when asked', () => {
    const fig = barFigure(['a', 'b'], [0.123456, 0.5], { valueDigits: 2 });
    assert.deepEqual(fig.data[0].text, ['0.12', '0.50']);
    assert.equal(fig.data[0].textposition, 'outside');
  });

  it('refuses labels and values of different lengths', () => {
    assert.throws(() => barFigure(['a'], [1, 2]), RangeError);
  });

  it('prints a one-line summary outside a kernel and returns the spec', () => {
    const lines: string[] = [];
    const log = console.log;
    console.log = (...args: unknown[]) => void lines.push(args.join(' '));
    try {
      const fig = plotBar(['a'], [1], { title: 'one bar' });
      assert.equal(fig.data[0].type, 'bar');
    } finally {
      console.log = log;
    }
    assert.deepEqual(lines, ['[plotly figure "one bar": bar]']);
  });
});
