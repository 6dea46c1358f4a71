// viz/attention-layers-figure.ts: one heatmap per (layer, head), labels on the outer axes only.
import { strict as assert } from 'assert';
import { attentionLayersFigure } from '../src/viz/attention-layers-figure';

describe('attentionLayersFigure (viz/attention-layers-figure.ts)', () => {
  const w = [[1, 0], [0.5, 0.5]];
  const fig = attentionLayersFigure([[w, w, w], [w, w, w]], ['a', ' b'], { title: 't', cellPx: 100 });
  const layout = fig.layout as Record<string, any>;

  it('draws L × H panels on one colour scale, shown once', () => {
    assert.equal(fig.data.length, 6);
    assert.deepEqual(fig.data.map((t) => t.showscale), [true, false, false, false, false, false]);
    assert.ok(fig.data.every((t) => t.zmin === 0 && t.zmax === 1));
  });

  it('labels tokens on the bottom row and the left column only, and sizes the figure by panel', () => {
    assert.deepEqual(layout.xaxis4.ticktext, ['a', '␣b']);
    assert.deepEqual(layout.xaxis.ticktext, ['', '']);
    assert.deepEqual(layout.yaxis4.ticktext, ['a', '␣b']);
    assert.deepEqual(layout.yaxis5.ticktext, ['', '']);
    assert.equal(layout.width, 110 + 3 * 100);
    assert.equal(layout.height, 140 + 2 * 100);
    assert.equal(layout.annotations.length, 5);
  });
});
