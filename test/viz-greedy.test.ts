// viz/greedy.ts: the sentence under chapter 04's greedy continuation says what it is made of.
import { strict as assert } from 'assert';
import { describeGreedy } from '../src/viz/greedy';

describe('describeGreedy (viz/greedy.ts)', () => {
  it('says when every token is blank, and which one', () => {
    const s = describeGreedy(['\n', '\n', '\n\n', '\n']);
    assert.match(s, /4 of the 4 greedy tokens are only spaces or line breaks/);
    assert.match(s, /2 distinct/);
    assert.match(s, /writes blank lines \(the most frequent token, "\\n", 3 times\)/);
  });

  it('names a token that takes most of the steps', () => {
    const s = describeGreedy([' the', ' the', ' the', ' sea', '\n']);
    assert.match(s, /1 of the 5 greedy tokens/);
    assert.match(s, /one token, " the", takes 3 of the 5 steps/);
  });

  it('otherwise gives the most frequent token and its count', () => {
    const s = describeGreedy([' a', ' b', ' c', ' a']);
    assert.match(s, /0 of the 4 greedy tokens/);
    assert.match(s, /the most frequent, " a", comes 2 times/);
    assert.match(describeGreedy([]), /no tokens/);
  });
});
