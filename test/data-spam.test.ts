import { strict as assert } from 'assert';
import { InputError } from '../src/errors';
import { classBalance, cleanEmail, decodeEncodedWords, htmlToText, loadSpam, normalizeText, rawMessage, toText } from '../src/data';
import { splitByHash } from '../src/data/hash';
import { contentKey, dedupeExamples, PINNED_SPLITS, splitExamples, stratifiedSubset } from '../src/data/spam';
import type { SpamDataset, SpamExample } from '../src/data';

// Headers that give the label away in the real corpus; none may survive cleaning.
const LEAKY = [
  'Return-Path: <exmh-workers-admin@spamassassin.taint.org>',
  'Received: from listman.spamassassin.taint.org (localhost [127.0.0.1])',
  '\tby listman.redhat.com (Postfix) with ESMTP id 8386540858',
  'List-Id: Discussion list for EXMH developers <exmh-workers.spamassassin.taint.org>',
  'X-Spam-Status: No, hits=-2.1 required=5.0',
  'X-Keywords: NonJunk',
  'In-Reply-To: <1029945287.4797.TMDA@deepeddy.vircio.com>',
].join('\n');

const mail = (headers: string, body: string): string => `From someone@example.com  Thu Aug 22 12:36:23 2002\n${LEAKY}\n${headers}\n\n${body}`;

function assertNoHeaders(c: { subject: string; body: string }): void {
  for (const word of ['taint.org', 'List-Id', 'X-Spam', 'Received', 'NonJunk', 'Return-Path', 'In-Reply-To', 'Content-Type', 'Postfix']) {
    assert.ok(!c.subject.includes(word) && !c.body.includes(word), `'${word}' survived cleaning: ${JSON.stringify(c)}`);
  }
}

describe('data/spam: cleaning one e-mail', () => {
  it('quoted-printable body in iso-8859-1, soft line breaks; only Subject survives', () => {
    const raw = mail(
      'Subject: Caf=E9 is not encoded here\nContent-Type: text/plain; charset="iso-8859-1"\nContent-Transfer-Encoding: quoted-printable',
      'Le caf=E9 est pr=EAt, et la r=E9union com=\nmence =E0 9h.\nPrix: 10 =80 =3D 10 euros',
    );
    const c = cleanEmail(raw);
    assert.equal(c.subject, 'Caf=E9 is not encoded here'); // not an encoded word: left alone
    assert.equal(c.body, 'Le café est prêt, et la réunion commence à 9h.\nPrix: 10 € = 10 euros');
    assertNoHeaders(c);
  });

  it('base64 body in UTF-8; encoded-word subjects (Q and B, adjacent words joined)', () => {
    const body = Buffer.from('Grüße aus Köln — 日本語\r\nZweite Zeile', 'utf8').toString('base64').replace(/(.{20})/g, '$1\n');
    const raw = mail(
      'Subject: =?iso-8859-1?Q?Gr=FC=DFe_aus?= =?utf-8?B?S8O2bG4=?= und mehr\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64',
      body,
    );
    const c = cleanEmail(raw);
    assert.equal(c.subject, 'Grüße ausKöln und mehr');
    assert.equal(c.body, 'Grüße aus Köln — 日本語\nZweite Zeile');
    assert.equal(decodeEncodedWords('=?ISO-8859-1?Q?Matrox_Parhelia=99?='), 'Matrox Parhelia™'); // cp1252's 0x99
    assertNoHeaders(c);
  });

  it('multipart/alternative: the text/plain part wins over the HTML one', () => {
    const raw = mail(
      'Subject: Hello\nMIME-Version: 1.0\nContent-Type: multipart/alternative; boundary="XYZ"',
      [
        'This is a multi-part message in MIME format.', '', '--XYZ',
        'Content-Type: text/html; charset=us-ascii', '', '<html><body><p>HTML version</p></body></html>', '--XYZ',
        'Content-Type: text/plain; charset=us-ascii', 'Content-Transfer-Encoding: 7bit', '', 'Plain version', '--XYZ--', 'epilogue',
      ].join('\n'),
    );
    const c = cleanEmail(raw);
    assert.equal(c.body, 'Plain version');
    assertNoHeaders(c);
  });

  it('multipart/mixed with HTML only: HTML stripped to text, attachments skipped', () => {
    const html = '<HTML><HEAD><TITLE>t</TITLE><STYLE>p { color: red }</STYLE></HEAD><BODY>' +
      '<P>Buy&nbsp;V<!-- hidden -->iagra &amp; save 50%!</P><TABLE><TR><TD>cell1</TD><TD>cell2</TD></TR></TABLE>' +
      '<SCRIPT>alert("x")</SCRIPT>caf&eacute; &#233; &#x263A; &#146;quoted&#146; &unknown;<BR>Last line</BODY></HTML>';
    const raw = mail(
      'Subject: =?utf-8?Q?Offer_=E2=82=AC?=\nContent-Type: multipart/mixed; boundary="----=_NextPart_000"',
      [
        '------=_NextPart_000', 'Content-Type: text/html; charset="iso-8859-1"', 'Content-Transfer-Encoding: quoted-printable', '',
        html.replace(/=/g, '=3D'), '', '------=_NextPart_000',
        'Content-Type: application/octet-stream; name="x.exe"', 'Content-Transfer-Encoding: base64', 'Content-Disposition: attachment; filename="x.exe"', '',
        'TVqQAAMAAAAEAAAA//8AALgAAAAAAAAAQAAAAAAAAAAA', '------=_NextPart_000',
        'Content-Type: text/plain', 'Content-Disposition: attachment; filename="notes.txt"', '', 'attached notes', '------=_NextPart_000--',
      ].join('\n'),
    );
    const c = cleanEmail(raw);
    assert.equal(c.subject, 'Offer €');
    assert.equal(c.body, 'Buy Viagra & save 50%!\n\ncell1 cell2\n\ncafé é ☺ ’quoted’ &unknown;\nLast line');
    assertNoHeaders(c);
  });

  it('tolerates whitespace in a delimiter and a missing Content-Type', () => {
    const broken = mail('Subject: x\nContent-Type: multipart/alternative; boundary="=Multi Part 09"', '--= Multi Part 09\nContent-Type: text/plain\n\nbody text\n--= Multi Part 09--');
    assert.equal(cleanEmail(broken).body, 'body text');
    assert.deepEqual(cleanEmail('Subject: only\n\n  just   text\t here \n\n\n\nend'), { subject: 'only', body: 'just text here\n\nend' });
    assert.deepEqual(cleanEmail('no headers at all'), { subject: '', body: '' });
  });

  it('normalises broken characters: NFC, control and zero-width characters, U+FFFD, whitespace', () => {
    assert.equal(normalizeText('Cafe\u0301\u0007 \ufffdok\u200b\u00a0\u00a0x\r\n\r\n\r\n\r\ny\t\tz '), 'Café ok x\n\ny z');
    assert.equal(htmlToText('a<br>b<p>c</p>&lt;d&gt;'), 'a\nb\nc\n<d>');
  });
});

const ex = (subject: string, body: string, label: 0 | 1, id = subject): SpamExample => ({ id, subject, body, label });

describe('data/spam: dedupe and split', () => {
  it('dedupes on normalised subject + body; conflicting labels are dropped', () => {
    const { kept, duplicates, conflicting } = dedupeExamples([
      ex('Win', 'Money  now', 1, 'a'), ex('win', 'money now', 1, 'b'), ex('Hi', 'lunch?', 0, 'c'),
      ex('Same', 'text', 0, 'd'), ex('same', 'TEXT', 1, 'e'),
    ]);
    assert.deepEqual(kept.map((e) => e.id), ['a', 'c']);
    assert.equal(duplicates, 1);
    assert.equal(conflicting, 2);
    assert.equal(contentKey('A \n B', 'C\tD'), 'a b c d');
  });

  it('splits by content hash: order-independent, deterministic, ~80/10/10', () => {
    const examples = Array.from({ length: 2000 }, (_, i) => ex(`subject ${i}`, `body ${i * 7}`, (i % 3 === 0 ? 1 : 0) as 0 | 1));
    const a = splitExamples(examples);
    const b = splitExamples([...examples].reverse());
    for (const k of ['train', 'val', 'test'] as const) assert.deepEqual(new Set(a[k].map((e) => e.id)), new Set(b[k].map((e) => e.id)));
    assert.equal(a.train.length + a.val.length + a.test.length, 2000);
    assert.ok(Math.abs(a.train.length / 2000 - 0.8) < 0.03 && Math.abs(a.val.length / 2000 - 0.1) < 0.02, `${a.train.length}/${a.val.length}/${a.test.length}`);
  });

  it('toText and classBalance', () => {
    const e = ex('Subj', 'x'.repeat(10) + '😀tail', 1);
    assert.equal(toText(e, 'subject'), 'Subj');
    assert.equal(toText(e, 'subject+body', 4), 'Subj\nxxxx');
    assert.equal(toText(e, 'subject+body', 11), 'Subj\nxxxxxxxxxx'); // never half a surrogate pair
    assert.equal(toText(e, 'subject+body', Infinity), `Subj\n${e.body}`);
    assert.throws(() => toText(e, 'body' as never), InputError);
    assert.deepEqual(classBalance([e, ex('a', 'b', 0), ex('c', 'd', 0), ex('e', 'f', 0)]), { n: 4, ham: 3, spam: 1, spamFraction: 0.25 });
  });
});

describe('data/spam: the SpamAssassin corpus', () => {
  let data: SpamDataset;
  before(function () {
    this.timeout(30000);
    data = loadSpam();
  });

  it('has the pinned sizes after cleaning, dedupe and split', () => {
    assert.deepEqual(data.stats, { raw: 6046, empty: 0, duplicates: 132, conflicting: 0 });
    assert.deepEqual([data.train.length, data.val.length, data.test.length], [4750, 540, 624]);
    const all = [...data.train, ...data.val, ...data.test];
    const balance = classBalance(all);
    assert.equal(balance.spam, 1806);
    assert.ok(balance.spamFraction > 0.3 && balance.spamFraction < 0.31);
  });

  it('pins only examples whose hashed split would differ, and nothing else moves', () => {
    const all = [...data.train, ...data.val, ...data.test];
    for (const [id, split] of PINNED_SPLITS) {
      const e = all.find((x) => x.id === id);
      assert.ok(e, `pinned id ${id} is not in the corpus`);
      assert.ok(data[split].includes(e), `${id} is not in ${split}`);
      assert.notEqual(splitByHash(contentKey(e.subject, e.body)), split, `${id} needs no pin: its hash gives ${split}`);
    }
    const unpinned = all.filter((e) => !PINNED_SPLITS.has(e.id));
    for (const s of ['train', 'val', 'test'] as const) {
      const hashed = unpinned.filter((e) => splitByHash(contentKey(e.subject, e.body)) === s).length;
      const kept = data[s].filter((e) => !PINNED_SPLITS.has(e.id)).length;
      assert.equal(kept, hashed, `${s}: ${kept} unpinned examples, but ${hashed} hash there`);
    }
  });

  it('has no content shared between splits', () => {
    const keys = (xs: SpamExample[]): Set<string> => new Set(xs.map((e) => contentKey(e.subject, e.body)));
    const [tr, va, te] = [keys(data.train), keys(data.val), keys(data.test)];
    for (const k of va) assert.ok(!tr.has(k));
    for (const k of te) assert.ok(!tr.has(k) && !va.has(k));
  });

  it('cleans a real message; rawMessage gives it back whole', () => {
    const e = [...data.train, ...data.val, ...data.test].find((x) => x.id === 'spam-1/00001');
    assert.ok(e);
    assert.equal(e.subject, 'Life Insurance - Why Pay More?');
    assert.ok(e.body.startsWith('Save up to 70% on Life Insurance.'), e.body.slice(0, 80));
    assert.ok(!/<|=3D/.test(e.body));
    const raw = rawMessage('spam-1/00001');
    assert.ok(raw.includes('Content-Transfer-Encoding: quoted-printable') && raw.includes('=3D'));
    assert.throws(() => rawMessage('nope/1'), InputError);
  });

  it('stratifiedSubset: n examples, class shares kept, seeded, nested over n, input order kept', () => {
    const ex = Array.from({ length: 1000 }, (_, i) => ({ id: `m${i}`, label: (i % 10 < 3 ? 1 : 0) as 0 | 1 }));
    let prev: Set<string> | null = null;
    for (const n of [32, 64, 128, 256, 512]) {
      const s = stratifiedSubset(ex, n, 2);
      assert.equal(s.length, n);
      assert.equal(new Set(s.map((e) => e.id)).size, n, 'no example twice');
      assert.ok(Math.abs(classBalance(s).spam - 0.3 * n) <= 1, `n=${n}: ${classBalance(s).spam} spam`);
      const idx = s.map((e) => Number(e.id.slice(1)));
      assert.deepEqual(idx, [...idx].sort((a, b) => a - b), 'input order kept');
      const ids = new Set(s.map((e) => e.id));
      if (prev) for (const id of prev) assert.ok(ids.has(id), `n=${n} is not a superset of the smaller subset`);
      prev = ids;
    }
    assert.deepEqual(stratifiedSubset(ex, 64, 2), stratifiedSubset(ex, 64, 2));
    assert.notDeepEqual(stratifiedSubset(ex, 64, 2), stratifiedSubset(ex, 64, 3));
    assert.equal(stratifiedSubset(ex, 5000, 1).length, 1000);
    // Both classes appear however small n is (n >= 2).
    assert.deepEqual(new Set(stratifiedSubset(ex.slice(0, 100).map((e, i) => ({ ...e, label: (i === 0 ? 1 : 0) as 0 | 1 })), 2, 1).map((e) => e.label)), new Set([0, 1]));
    assert.throws(() => stratifiedSubset(ex, 0, 1), InputError);
    assert.throws(() => stratifiedSubset(ex, 2.5, 1), InputError);
  });

  it('stratifiedSubset on the real training split: validation and test untouched by construction', function () {
    this.timeout(60_000);
    const ds = loadSpam();
    const s = stratifiedSubset(ds.train, 128, 1);
    const train = new Set(ds.train.map((e) => e.id));
    assert.ok(s.every((e) => train.has(e.id)));
    const share = classBalance(ds.train).spamFraction;
    assert.ok(Math.abs(classBalance(s).spam - 128 * share) <= 1);
  });
});
