// viz/agreement.ts: numbers that must agree are shown, and a disagreement stops the chapter by name.
import { strict as assert } from 'assert';
import { checkAgreement } from '../src/viz/agreement';
import { setOutputSink } from '../src/viz/display';

describe('checkAgreement (viz/agreement.ts)', () => {
  let shown: unknown[] = [];
  before(() => setOutputSink({ show: (b) => void shown.push(b) }));
  after(() => setOutputSink(null));

  it('shows every comparison and passes when each is within its tolerance', () => {
    shown = [];
    checkAgreement([{ what: 'x', a: 1, b: 1.0005, tolerance: 1e-3 }, { what: 'y', a: 2, b: 2, tolerance: 0 }]);
    assert.equal(shown.length, 1);
  });

  it('throws naming only the comparisons that disagree', () => {
    assert.throws(() => checkAgreement([{ what: 'fine', a: 1, b: 1, tolerance: 0 }, { what: 'file vs manifest', a: 1, b: 1.1, tolerance: 1e-4 }]),
      (e: Error) => e.message.includes('file vs manifest (1 against 1.1') && !e.message.includes('fine'));
  });
});
