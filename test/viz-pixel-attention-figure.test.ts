// viz/pixel-attention-figure.ts: one panel per layer, the drawn pixel marked in each, the label's share titled.
import { strict as assert } from 'assert';
import type { PixelAttention } from '../src/image/attention';
import { imageLayout } from '../src/image/sequence';
import { canvasRefusal, panelCount } from '../src/viz/canvas-figure';
import { pixelAttentionFigure } from '../src/viz/pixel-attention-figure';

describe('pixelAttentionFigure', () => {
  const layout = imageLayout(3, 2, 4);           // 3 wide, 2 high: pixel 4 is row 1, column 1
  // Three layers of two heads; weights on the label and the pixels before pixel 4.
  const att: PixelAttention = {
    pixel: 4,
    label: [[0.5, 0.3], [0.1, 0.1], [0, 0.02]],
    grids: [0, 1, 2].map((l) => [0, 1].map((h) => [0.1 * (l + 1), 0.1, 0.1 + 0.05 * h, 0, 0, 0])),
  };

  it('draws one heatmap per layer with the drawn pixel marked at its row and column', () => {
    const fig = pixelAttentionFigure(att, layout);
    assert.equal(panelCount(fig), 3, 'panels: one per layer');
    const heat = fig.data.filter((t) => t.type === 'heatmap');
    const marks = fig.data.filter((t) => t.type === 'scatter');
    assert.equal(heat.length, 3, 'heatmaps');
    assert.equal(marks.length, 3, 'markers');
    for (const m of marks) assert.deepEqual([m.x, m.y], [[1], [1]], 'the × sits at column 1, row 1');
    // Each heatmap is the mean over heads folded to the 2×3 grid.
    assert.deepEqual(heat[1].z, [[0.2, 0.1, 0.125], [0, 0, 0]]);
    assert.notEqual(canvasRefusal(fig), null, 'a many-panel figure must not fall back to canvas');
  });

  it('titles each panel with the label token\'s share, averaged over heads', () => {
    const titles = (pixelAttentionFigure(att, layout).layout!.annotations as { text: string }[]).map((a) => a.text);
    assert.deepEqual(titles, ['layer 0: label 40 %', 'layer 1: label 10 %', 'layer 2: label 1 %']);
  });
});
