// viz/attention-grid-figure.ts: a panel per (row, head), one query row outlined in each, markup escaped.
import { strict as assert } from 'assert';
import { attentionGridFigure, type AttentionPanel } from '../src/viz/attention-grid-figure';
import { panelCount } from '../src/viz/canvas-figure';

describe('attentionGridFigure', () => {
  const panel = (title: string): AttentionPanel => ({
    weights: [[1, 0, 0], [0.5, 0.5, 0], [0.2, 0.3, 0.5]], tokens: ['<s>', 'hi', '<e>'], title,
  });
  const fig = attentionGridFigure([[panel('spam · head 0'), panel('spam · head 1')], [panel('ham · head 0'), panel('ham · head 1')]]);

  it('draws one panel per map, on one 0–1 colour scale shown once', () => {
    assert.equal(panelCount(fig), 4, 'panels');
    assert.deepEqual(fig.data.map((t) => [t.zmin, t.zmax]), [[0, 1], [0, 1], [0, 1], [0, 1]]);
    assert.deepEqual(fig.data.map((t) => t.showscale), [true, false, false, false], 'one colour bar');
  });

  it('outlines the last query row by default, another when asked', () => {
    const rects = (f: typeof fig) => (f.layout!.shapes as { y0: number; y1: number }[]).map((s) => [s.y0, s.y1]);
    assert.deepEqual(rects(fig), Array(4).fill([1.5, 2.5]), 'the <e> row, query 2');
    assert.deepEqual(rects(attentionGridFigure([[panel('a')]], { outlineRow: () => 0 })), [[-0.5, 0.5]]);
  });

  it('escapes <s> and <e> in tick labels (plotly would read <s> as strike-through) and titles each panel', () => {
    const ticks = (fig.layout!.xaxis as { ticktext: string[] }).ticktext;
    assert.deepEqual(ticks, ['&lt;s&gt;', 'hi', '&lt;e&gt;']);
    assert.deepEqual((fig.layout!.annotations as { text: string }[]).map((a) => a.text), ['spam · head 0', 'spam · head 1', 'ham · head 0', 'ham · head 1']);
  });
});
