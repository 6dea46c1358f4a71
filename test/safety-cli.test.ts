// Bad input everywhere a user types or points, through the real CLI: each case must exit with
// code 2, print exactly one line on stderr (no stack trace), print nothing on stdout, and write
// nothing.
import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CharTokenizer } from '../src/tokenize';
import { assertCleanFailure, cli, cliAll, cliInProcess, ROOT, savePico, weightsFileOf } from './safety-helpers';

describe('safety: bad input on the command line', function () {
  this.timeout(900_000); // ~40 s on an idle 2-core machine; generous for a loaded one
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lgpt-cli-'));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const p = (name: string): string => path.join(tmp, name);

  // Fixtures: a good pico LM checkpoint and corrupted copies of it.
  const good = p('good');
  const corrupt = (name: string, f: (dir: string) => void): string => {
    const dir = p(name);
    fs.cpSync(good, dir, { recursive: true });
    f(dir);
    return dir;
  };
  const editJson = (dir: string, edit: (j: Record<string, unknown>) => void): void => {
    const file = path.join(dir, 'checkpoint.json');
    const j = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    edit(j);
    fs.writeFileSync(file, JSON.stringify(j));
  };
  let dirs: Record<string, string> = {};
  before(() => {
    savePico(good);
    fs.writeFileSync(p('a-file'), 'not a folder');
    fs.mkdirSync(p('my-docs'));
    fs.writeFileSync(p('my-docs/notes.txt'), 'precious');
    fs.symlinkSync(good, p('link-to-good'));
    dirs = {
      nan: corrupt('nan', (d) => { const w = weightsFileOf(d); const b = fs.readFileSync(w); b.writeFloatLE(NaN, 0); fs.writeFileSync(w, b); }),
      truncated: corrupt('truncated', (d) => { const w = weightsFileOf(d); fs.writeFileSync(w, fs.readFileSync(w).subarray(0, 100)); }),
      linkOut: corrupt('link-out', (d) => { const w = weightsFileOf(d); fs.copyFileSync(w, p('stolen.bin')); fs.rmSync(w); fs.symlinkSync(p('stolen.bin'), w); }),
      traversal: corrupt('traversal', (d) => editJson(d, (j) => { j.weightsFile = '../good/weights.bin'; })),
      notUtf8: corrupt('not-utf8', (d) => { fs.writeFileSync(path.join(d, 'checkpoint.json'), Buffer.from([0x7b, 0xff, 0xfe, 0x7d])); }),
      mismatch: corrupt('mismatch', (d) => editJson(d, (j) => { j.tokenizer = CharTokenizer.fromText('abc').toJSON(); })),
      badTokenizer: corrupt('bad-tokenizer', (d) => editJson(d, (j) => { j.tokenizer = { format: 'literate-gpt-char', version: 1, chars: ['t', 't'] }; })),
      huge: corrupt('huge', (d) => editJson(d, (j) => { j.config = { vocabSize: 1_000_000, blockSize: 65536, nLayer: 256, nHead: 1, nEmbd: 65536, dropout: 0 }; })),
    };
  });

  it('exits 2 with one line, writes nothing: flags, values, commands, files, checkpoints, text', async () => {
    const out = p('never-created');
    // [args, expected message, stdin]
    const cases: [string[], RegExp, (string | Buffer)?][] = [
      [['train', 'lm', '--stepz', '5', '--out', out], /unknown option --stepz \(did you mean --steps\?\)/],
      [['train', 'lm', '--frobnicate', '--out', out], /unknown option --frobnicate \(known: --json, --help, --preset, --steps/],
      [['train', 'lm', '--steps', 'abc', '--out', out], /--steps must be a number, got 'abc'/],
      [['train', 'lm', '--steps', '-1', '--out', out], /--steps must be at least 1, got -1/],
      [['train', 'lm', '--steps', '1.5', '--out', out], /--steps must be an integer, got '1\.5'/],
      [['train', 'lm', '--steps', '5', '--steps', '6', '--out', out], /--steps is given twice/],
      [['train', 'lm', '--preset', 'huge', '--out', out], /--preset must be one of pico, nano, micro, mini, got 'huge'/],
      [['train', 'lm', '--steps', '5', '--out'], /--out needs a value/],
      [['train', 'lm', '--resume=yes', '--out', out], /--resume takes no value/],
      [['train', 'lm', 'extra', '--out', out], /unexpected argument 'extra'/],
      [['train', 'lm', '--out', p('a-file')], /--out .*a-file: exists and is not a folder/],
      [['train', 'lm', '--out', p('my-docs')], /--out .*my-docs: a folder of other files \(notes\.txt\), not a checkpoint folder/],
      [['train', 'lm', '--layers', '64', '--embd', '8192', '--out', out], /the model would have 51,555,876,864 parameters/],
      [['train', 'lm', '--preset', 'pico', '--heads', '3', '--out', out], /config\.nEmbd \(16\) must be divisible by nHead \(3\)/],
      [['train', 'lm', '--resume', '--out', dirs.nan], /tensor 'wte' has a non-finite value at index 0/],
      [['train', 'wat'], /'train' needs a kind: .*\(got 'wat'\)/],
      [['frobnicate'], /unknown command 'frobnicate'/],
      [['eval', 'lm'], /--checkpoint DIR is required/],
      [['eval', 'lm', '--checkpoint', p('missing')], /missing: no such checkpoint folder/],
      [['eval', 'lm', '--checkpoint', p('a-file')], /a-file: not a folder/],
      [['eval', 'lm', '--checkpoint', dirs.truncated], /has 100 bytes, the tensors declare \d+/],
      [['sample', 'lm', '--checkpoint', good, '--prompt', ''], /--prompt is empty/],
      [['sample', 'lm', '--checkpoint', good, '--prompt', 'the 猫'], /character '猫' \(U\+732B\) is not in the vocabulary of 12 characters/],
      [['sample', 'lm', '--checkpoint', good, '--prompt', 'the', '--temperature', 'nan'], /--temperature must be a number, got 'nan'/],
      [['sample', 'lm', '--checkpoint', good, '--prompt', 'the', '--top-p', '2'], /--top-p must be at most 1, got 2/],
      [['sample', 'lm', '--checkpoint', good, '--prompt', 'the', '--tokens', '1e9'], /--tokens must be at most 100000/],
      [['sample', 'lm', '--checkpoint', dirs.nan, '--prompt', 'the'], /weights-.*\.bin: tensor 'wte' has a non-finite value at index 0/],
      [['sample', 'lm', '--checkpoint', dirs.linkOut, '--prompt', 'the'], /is a symbolic link pointing outside the checkpoint folder \(refused\)/],
      [['sample', 'lm', '--checkpoint', dirs.traversal, '--prompt', 'the'], /weightsFile "\.\.\/good\/weights\.bin" is not a plain file name inside the checkpoint folder/],
      [['sample', 'lm', '--checkpoint', dirs.notUtf8, '--prompt', 'the'], /checkpoint\.json: not valid UTF-8 text/],
      [['sample', 'lm', '--checkpoint', dirs.mismatch, '--prompt', 'the'], /a tokenizer that does not match the model: 3 tokens, the model's config\.vocabSize is 12/],
      [['sample', 'lm', '--checkpoint', dirs.badTokenizer, '--prompt', 'the'], /tokenizer: character tokenizer: 't' \(U\+0074\) appears twice/],
      [['sample', 'lm', '--checkpoint', dirs.huge, '--prompt', 'the'], /the config implies at least \d+ bytes of weights, more than the limit/],
      [['sample', 'image', '--checkpoint', good, '--label', '11'], /--label must be at most 9, got 11/],
      [['sample', 'image', '--checkpoint', good, '--label', '-1'], /--label must be at least 0, got -1/],
      [['sample', 'image', '--checkpoint', good, '--label', '3'], /a 'lm' checkpoint, not an image model/],
      [['classify', '--checkpoint', p('missing')], /no such checkpoint folder/],
      [['export', 'lm', '--checkpoint', good, '--out', p('my-docs')], /--out .*my-docs: a folder of other files \(notes\.txt\), not a checkpoint folder/],
      [['export', 'lm', '--checkpoint', good, '--out', p('link-to-good')], /--out .*link-to-good is the --checkpoint folder \(symbolic links followed\)/],
      [['tokenize', '--json'], /no text on stdin/, ''],
      [['tokenize', '--json'], /not valid UTF-8/, Buffer.from([0x68, 0xc3, 0x28])],
    ];
    const results = await Promise.all([
      cliAll(cases.filter((c) => c[2] === undefined).map((c) => c[0])),
      ...cases.filter((c) => c[2] !== undefined).map((c) => cli(c[0], { input: c[2] })),
    ]).then(([many, ...rest]) => [...many, ...rest]);
    const ordered = [...cases.filter((c) => c[2] === undefined), ...cases.filter((c) => c[2] !== undefined)];
    ordered.forEach(([args, re], i) => assertCleanFailure(results[i], re, args.join(' ')));
    assert.equal(fs.existsSync(out), false, 'a failed command created its --out folder');
    assert.deepEqual(fs.readdirSync(p('my-docs')), ['notes.txt']);
    assert.equal(fs.readFileSync(p('a-file'), 'utf8'), 'not a folder');
  });

  it('the contract\'s small print: decimal numbers, stray words, sizes that cannot fit, contradictions, one line after a note', async () => {
    const out = p('never-created-2');
    const cases: [string[], RegExp][] = [
      [['sample', 'image', '--checkpoint', good, '--label', '0x7'], /--label must be a decimal number, got '0x7'/],
      [['sample', 'lm', '--checkpoint', good, '--prompt', 'the', '--tokens', '0b11'], /--tokens must be a decimal number, got '0b11'/],
      [['sample', 'lm', '--checkpoint', good, '--prompt', 'the', '--temperature', 'Infinity'], /--temperature must be a number, got 'Infinity'/],
      [['info', 'extra'], /^literate-gpt info: unexpected argument 'extra'$/],
      [['classify', 'cheap', 'meds'], /unexpected argument 'cheap' \(the text goes on stdin\)/],
      [['train', 'lm', '--batch', '4096', '--accum', '1024', '--out', out], /one training step of 4,096 sequences × 128 tokens needs about [\d,.]+ GiB .*more than this machine's [\d.]+ GiB of memory/],
      [['train', 'lm', '--steps', '5', '--out', good], /--out .*good already holds a language model of [\d,]+ parameters: --resume continues it, --force replaces it/],
      [['train', 'lm', '--resume', '--force', '--out', good], /--resume and --force contradict each other/],
      // --resume with other flags says "note: ... ignoring --steps" — then the refusal: one line, the refusal.
      [['train', 'lm', '--resume', '--steps', '5', '--out', dirs.nan], /^literate-gpt train lm: .*tensor 'wte' has a non-finite value at index 0$/],
      [['bench', '--sample-block', '10'], /--sample-block must be at least the one-token prompt plus --sample-tokens \(257\), got 10/],
      [['bench', '--tiny', '--sample-block', '10'], /\(25 with --tiny\), got 10/],
    ];
    for (const [args, re] of cases) assertCleanFailure(await cliInProcess(args), re, args.join(' '));
    assert.equal(fs.existsSync(out), false);
    // No command at all: the usage, on stderr (stdout stays empty), exit 2.
    const none = await cli([]);
    assert.equal(none.status, 2);
    assert.equal(none.stdout, '');
    assert.match(none.stderr, /^usage: literate-gpt <command>/);
    const help = await cliInProcess(['--help']);
    assert.equal(help.status, 0);
    assert.match(help.stdout, /^usage: literate-gpt <command>/);
  });

  it('a value out of range is adjusted with a one-line note, never silently (--top-k above the vocabulary)', async () => {
    const r = await cliInProcess(['sample', 'lm', '--checkpoint', good, '--prompt', 'the', '--tokens', '3', '--top-k', '100000', '--json']);
    assert.equal(r.status, 0, r.stderr);
    const notes = r.stderr.split('\n').filter((l) => l.startsWith('note:'));
    assert.deepEqual(notes, ['note: --top-k 100000 is more than the 12 tokens of the vocabulary: sampling among all of them']);
    assert.equal((JSON.parse(r.stdout) as { tokens: number }).tokens, 3);
  });

  it('Ctrl-C while sampling prints what was generated: --json as one object with stoppedEarly, plain text as text', async () => {
    for (const json of [true, false]) {
      let sent = false;
      const r = await cli(['sample', 'lm', '--checkpoint', good, '--prompt', 'the', '--tokens', '100000', ...(json ? ['--json'] : [])], {
        // --json announces the sampling on stderr; plain text streams the tokens there.
        onStderr: (child, _t, all) => { if (!sent && (json ? /sampling up to 100000 tokens/.test(all) : all.length > 20)) { sent = true; child.kill('SIGINT'); } },
      });
      assert.ok(sent, 'the signal was sent');
      assert.equal(r.status, 0, r.stderr);
      if (json) {
        const res = JSON.parse(r.stdout) as { stoppedEarly: boolean; tokens: number; text: string };
        assert.equal(res.stoppedEarly, true);
        assert.ok(res.tokens > 0 && res.tokens < 100_000, `${res.tokens} tokens`);
        assert.equal(res.text.length, res.tokens, 'a character model: one character per token');
      } else {
        assert.ok(r.stdout.startsWith('the') && r.stdout.length > 3 && r.stdout.length < 100_003, r.stdout.slice(0, 100));
      }
    }
  });

  it('stops quietly when the reader of its output goes away (`| head`), instead of an EPIPE stack trace', () => {
    const text = p('long.txt');
    fs.writeFileSync(text, 'Call me Ishmael. '.repeat(20_000));
    const r = spawnSync('bash', ['-c', `"${process.execPath}" bin/literate-gpt.js tokenize < "${text}" | head -c 20`], {
      cwd: ROOT, encoding: 'utf8', env: { ...process.env, LGPT_FROM_SOURCE: '1' }, timeout: 120_000,
    });
    assert.equal(r.stdout.length, 20);
    assert.equal(r.stderr, '', r.stderr);
  });

  it('a prompt longer than the context is cut from the left, and the CLI says so', async () => {
    const prompt = 'the cat sat on a mat, the cat sat on a mat';
    const r = await cli(['sample', 'lm', '--checkpoint', good, '--prompt', prompt, '--tokens', '3', '--json']);
    assert.equal(r.status, 0, r.stderr);
    const res = JSON.parse(r.stdout) as { promptTruncated: number; tokens: number };
    assert.equal(res.promptTruncated, prompt.length - 16);
    assert.equal(res.tokens, 3);
    assert.match(r.stderr, new RegExp(`note: the prompt is ${prompt.length} tokens, longer than the context of 16; its first ${prompt.length - 16} tokens were dropped`));
  });
});
