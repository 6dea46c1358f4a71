// viz/claims: lg.claims shows checked claims, throws on a false one, and records them (CLAIMS_MIME)
// for the stale-prose check. Outputs are captured with setOutputSink, as a kernel would hold them.
import { strict as assert } from 'assert';
import { ClaimError, claims, CLAIMS_MARKER, CLAIMS_MIME, claimsRecord, type ClaimsRecord } from '../src/viz/claims';
import { setOutputSink, type MimeBundle } from '../src/viz/display';

function capture(fn: () => void): MimeBundle[] {
  const shown: MimeBundle[] = [];
  setOutputSink({ show: (bundle) => void shown.push(bundle) });
  try {
    fn();
  } finally {
    setOutputSink(null);
  }
  return shown;
}

function withFast<T>(value: string | undefined, fn: () => T): T {
  const before = process.env.LGPT_FAST;
  if (value === undefined) delete process.env.LGPT_FAST;
  else process.env.LGPT_FAST = value;
  try {
    return fn();
  } finally {
    if (before === undefined) delete process.env.LGPT_FAST;
    else process.env.LGPT_FAST = before;
  }
}

describe('viz claims', () => {
  it('shows a ✓ line per true claim and records them under CLAIMS_MIME', () => {
    const share = 0.043;
    const shown = withFast(undefined, () => capture(() => claims([
      ['4.3 %', Math.abs(share - 0.043) < 0.0005],
      ['less than a tenth', share < 0.1, ['less than a tenth', 'small']],
    ])));
    assert.equal(shown.length, 1);
    const record = shown[0][CLAIMS_MIME] as ClaimsRecord;
    assert.equal(record.fast, false);
    assert.deepEqual(record.claims.map((c) => [c.text, c.holds, c.checked, c.covers]), [
      ['4.3 %', true, true, []],
      ['less than a tenth', true, true, ['less than a tenth', 'small']],
    ]);
    assert.match(String(shown[0]['text/plain']), /^✓ 4\.3 %\n✓ less than a tenth/);
    assert.match(String(shown[0]['text/html']), /<table>/);
  });

  it('throws a ClaimError naming every false claim, after showing the table', () => {
    let shown: MimeBundle[] = [];
    assert.throws(
      () => { shown = capture(() => withFast(undefined, () => claims([['a few minutes', false], ['close to ½', true], ['about an eighth', false]]))); },
      (e: unknown) => e instanceof ClaimError && /"a few minutes"; "about an eighth"/.test(e.message) && e.failed.length === 2,
    );
    void shown;
  });

  it('normalModeOnly: in fast mode the claims are shown unchecked and nothing throws; in normal mode they are checked', () => {
    const fast = withFast('1', () => capture(() => claims([['26 s', false]], { normalModeOnly: true })));
    const r = fast[0][CLAIMS_MIME] as ClaimsRecord;
    assert.equal(r.fast, true);
    assert.equal(r.claims[0].checked, false);
    assert.match(String(fast[0]['text/plain']), /^– 26 s\n\(not checked in fast mode/);
    assert.throws(() => withFast(undefined, () => capture(() => claims([['26 s', false]], { normalModeOnly: true }))), ClaimError);
  });

  it('skip: shown unchecked with the reason', () => {
    const r = claimsRecord([['most reliably', false]], { skip: 'the results file is not complete' }, false);
    assert.equal(r.claims[0].checked, false);
    assert.equal(r.skipped, 'the results file is not complete');
  });

  it('refuses an empty list and a claim without a boolean', () => {
    assert.throws(() => claimsRecord([], {}, false), TypeError);
    assert.throws(() => claimsRecord([['x', 1 as unknown as boolean]], {}, false), /must come with a boolean/);
  });

  it('outside a kernel prints the lines and one marker line the checker reads', () => {
    const lines: string[] = [];
    const log = console.log;
    console.log = (...a: unknown[]) => void lines.push(a.join(' '));
    try {
      withFast(undefined, () => claims([['twice', true]]));
    } finally {
      console.log = log;
    }
    assert.equal(lines[0], '✓ twice');
    assert.ok(lines[1].startsWith(CLAIMS_MARKER + ' '));
    assert.equal((JSON.parse(lines[1].slice(CLAIMS_MARKER.length + 1)) as ClaimsRecord).claims[0].text, 'twice');
  });
});
