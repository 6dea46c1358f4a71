// viz/samples.ts: text samples drawn as HTML, escaped, with a plain-text twin.
import { strict as assert } from 'assert';
import { samplesHtml } from '../src/viz/samples';

describe('samplesHtml (viz/samples.ts)', () => {
  it('escapes the prompt, the text and the facts, and keeps a plain-text version', () => {
    const { html, text } = samplesHtml('Call <me>', [{ label: 'τ = 1', facts: '90 % words & more', text: ' Ishmael</pre>' }]);
    assert.ok(html.includes('Call &lt;me&gt;') && html.includes('Ishmael&lt;/pre&gt;') && html.includes('90 % words &amp; more'), html);
    assert.equal(text, 'τ = 1 (90 % words & more): Call <me> Ishmael</pre>');
  });
});
