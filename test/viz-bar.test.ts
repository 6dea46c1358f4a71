// viz/bar.ts: the bar-chart spec, checked without a browser.
import { strict as assert } from 'assert';
import { barFigure, groupedBarFigure, plotBar } from '../src/viz';

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

  it('groupedBarFigure: one trace per series over the same labels, grouped, values printed when asked', () => {
    const fig = groupedBarFigure(['a', 'b'], [{ name: 'one', values: [1, 2] }, { name: 'two', values: [3, 4] }], { valueDigits: 1, yTitle: 'bits' });
    assert.deepEqual(fig.data.map((t) => [t.name, t.x, t.y, t.text]), [['one', ['a', 'b'], [1, 2], ['1.0', '2.0']], ['two', ['a', 'b'], [3, 4], ['3.0', '4.0']]]);
    assert.equal(fig.layout!.barmode, 'group');
    assert.equal((fig.layout!.yaxis as { title: { text: string } }).title.text, 'bits');
    assert.throws(() => groupedBarFigure(['a', 'b'], [{ name: 'one', values: [1] }]), /2 labels but 1 values in 'one'/);
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
