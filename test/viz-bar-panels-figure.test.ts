// viz/bar-panels-figure.ts: a panel per metric, a colour and one legend entry per group.
import { strict as assert } from 'assert';
import { barPanelsFigure } from '../src/viz/bar-panels-figure';
import { panelCount } from '../src/viz/canvas-figure';

describe('barPanelsFigure', () => {
  interface Row { task: string; model: string; accuracy: number; f1: number }   // an interface, as chapters declare rows
  const rows: Row[] = [
    { task: 'subject', model: 'naive Bayes', accuracy: 0.9, f1: 0.84 },
    { task: 'subject', model: 'GPT', accuracy: 0.918, f1: 0.866 },
    { task: 'body', model: 'naive Bayes', accuracy: 0.98, f1: 0.97 },
  ];
  const fig = barPanelsFigure(rows, {
    category: 'model', categories: ['naive Bayes', 'GPT'], group: 'task', groups: ['subject', 'body'],
    panels: [{ key: 'accuracy', title: 'accuracy' }, { key: 'f1', title: 'F1' }],
  });

  it('draws one panel per metric, each group once per panel, in one colour with one legend entry', () => {
    assert.equal(panelCount(fig), 2, 'panels');
    assert.equal(fig.data.length, 4, 'traces: 2 groups × 2 panels');
    assert.deepEqual(fig.data.map((t) => [t.name, t.showlegend]), [['subject', true], ['body', true], ['subject', false], ['body', false]]);
    assert.deepEqual(fig.data[0].marker, fig.data[2].marker, 'a group keeps its colour across panels');
  });

  it('puts each row\'s value of the panel\'s field on its bar, labelled to 3 decimals', () => {
    assert.deepEqual(fig.data[2].y, [0.84, 0.866]);
    assert.deepEqual(fig.data[2].text, ['0.840', '0.866']);
    assert.deepEqual((fig.layout!.yaxis2 as { title: { text: string } }).title.text, 'F1');
  });
});
