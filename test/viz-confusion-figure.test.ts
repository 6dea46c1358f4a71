// viz/confusion-figure.ts: counts (and row shares) in place, true class down the side, first row on top.
import { strict as assert } from 'assert';
import { confusionFigure } from '../src/viz/confusion-figure';

describe('confusionFigure', () => {
  it('labels each cell with its count and, when asked, its share of the row', () => {
    const fig = confusionFigure([[3, 1], [0, 4]], { labels: ['ham', 'spam'], rowShares: true });
    assert.deepEqual(fig.data[0].text, [['3<br>75.0 % of ham', '1<br>25.0 % of ham'], ['0<br>0.0 % of spam', '4<br>100.0 % of spam']]);
    assert.deepEqual(confusionFigure([[3, 1], [0, 4]]).data[0].text, [['3', '1'], ['0', '4']]);
  });

  it('puts the true class on the y axis, first row on top, with the class names as ticks', () => {
    const fig = confusionFigure([[1, 0, 0], [0, 1, 0], [0, 0, 1]], { labels: [0, 1, 2], yTitle: 'asked for' });
    const y = fig.layout!.yaxis as { autorange: string; ticktext: string[]; title: { text: string } };
    assert.equal(y.autorange, 'reversed');
    assert.deepEqual(y.ticktext, ['0', '1', '2']);
    assert.equal(y.title.text, 'asked for');
  });

  it('gives an empty row a share of 0, not NaN', () => {
    const fig = confusionFigure([[0, 0], [1, 1]], { rowShares: true });
    assert.deepEqual((fig.data[0].text as string[][])[0], ['0<br>0.0 % of 0', '0<br>0.0 % of 0']);
  });
});
