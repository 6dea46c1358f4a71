// Fuzzing the output paths (beside safety-fuzz.test.ts, which fuzzes what is read): every
// command that writes, pointed at folders holding a checkpoint of each kind, a folder of the
// user's files, symbolic links to its own inputs, a regular file, a path under a file, an empty
// path and (when not root) a read-only parent — each spelled in a few seeded ways (absolute,
// relative, trailing slash, through a linked parent). Every case must be refused before any work
// (exit 2, one stderr line), and every file that existed before must be byte-identical after,
// unless the user asked for its replacement (--force), which the last cases check.
//
//   LGPT_FUZZ_SEED=7 npx mocha test/safety-output.test.ts   # other spellings
import { strict as assert } from 'assert';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Rng } from '../src/engine';
import { assertCleanFailure, cli, cliInProcess, ROOT, savePico } from './safety-helpers';

const SEED = Number(process.env.LGPT_FUZZ_SEED ?? 20261202);

/** Every file and link under `dir`: path → sha256 of the bytes (or the link's target). */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isSymbolicLink()) out.set(p, `link → ${fs.readlinkSync(p)}`);
      else if (e.isDirectory()) { out.set(p, `folder ${(fs.statSync(p).mode & 0o777).toString(8)}`); walk(p); }
      else out.set(p, crypto.createHash('sha256').update(fs.readFileSync(p)).digest('hex'));
    }
  };
  walk(dir);
  return out;
}

function assertUnchanged(before: Map<string, string>, after: Map<string, string>, what: string): void {
  for (const [p, h] of before) assert.equal(after.get(p), h, `${what}: ${p} ${after.has(p) ? 'changed' : 'was deleted'}`);
  for (const p of after.keys()) assert.ok(before.has(p), `${what}: ${p} was created`);
}

describe('safety: output paths (every command that writes)', function () {
  this.timeout(600_000); // ~60 cases in this process, four CLI starts, one pico training step
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lgpt-out-'));
  after(() => {
    try { fs.chmodSync(path.join(tmp, 'ro'), 0o755); } catch { /* absent */ }
    fs.rmSync(tmp, { recursive: true, force: true });
  });
  const p = (...names: string[]): string => path.join(tmp, ...names);
  const isRoot = process.getuid?.() === 0;

  before(() => {
    // Inputs the commands read.
    savePico(p('lm-in'), { optimizer: true });
    fs.cpSync(path.join(ROOT, 'data/checkpoints/image'), p('img-in'), { recursive: true });
    // Folders holding a checkpoint of each kind, with our manifest and a file of the user's beside it.
    savePico(p('has-lm'));
    fs.writeFileSync(p('has-lm', 'manifest.json'), JSON.stringify({ kind: 'lm', command: 'literate-gpt train lm', seed: 1, backend: 'cpu', steps: 3 }));
    fs.cpSync(path.join(ROOT, 'data/checkpoints/image'), p('has-image'), { recursive: true });
    fs.cpSync(path.join(ROOT, 'data/checkpoints/classifier'), p('has-classifier'), { recursive: true });
    for (const k of ['has-lm', 'has-image', 'has-classifier']) fs.writeFileSync(p(k, 'notes.txt'), `the user's notes in ${k}`);
    // A folder of the user's own files, named like ours.
    fs.mkdirSync(p('user'));
    fs.writeFileSync(p('user', 'weights-mine.bin'), Buffer.from([1, 2, 3, 4]));
    fs.writeFileSync(p('user', 'manifest.json'), '{"mine": true}\n');
    // A user's checkpoint.json that is not ours at all.
    fs.mkdirSync(p('foreign'));
    fs.writeFileSync(p('foreign', 'checkpoint.json'), '{"model": "someone else\'s"}\n');
    // A file, links to the inputs, a linked parent, and a read-only parent.
    fs.writeFileSync(p('a-file'), 'not a folder');
    fs.symlinkSync(p('lm-in'), p('link-lm-in'));
    fs.symlinkSync(p('img-in'), p('link-img-in'));
    fs.symlinkSync(p('has-lm'), p('link-has-lm'));
    fs.symlinkSync(p('img-in', 'checkpoint.json'), p('link-img-json.png'));
    fs.symlinkSync(tmp, p('parent-link'));
    fs.mkdirSync(p('ro'));
    fs.chmodSync(p('ro'), 0o555);
  });

  type Writer = { name: string; kind: string | null; args: (out: string) => string[]; link?: string };
  const writers: Writer[] = [
    { name: 'train lm', kind: 'lm', args: (o) => ['train', 'lm', '--preset', 'pico', '--steps', '1', '--out', o], link: 'link-has-lm' },
    { name: 'train image', kind: 'image', args: (o) => ['train', 'image', '--preset', 'pico', '--steps', '1', '--out', o] },
    { name: 'train classifier', kind: 'classifier', args: (o) => ['train', 'classifier', '--pretrained', p('lm-in'), '--seq', '8', '--steps', '1', '--out', o], link: 'link-lm-in' },
    { name: 'export lm', kind: 'lm', args: (o) => ['export', 'lm', '--checkpoint', p('lm-in'), '--out', o], link: 'link-lm-in' },
    { name: 'export image', kind: 'image', args: (o) => ['export', 'image', '--checkpoint', p('img-in'), '--samples', '1', '--out', o], link: 'link-img-in' },
    { name: 'sample image --png', kind: null, args: (o) => ['sample', 'image', '--checkpoint', p('img-in'), '--label', '3', '--n', '1', '--png', o], link: 'link-img-json.png' },
  ];

  /** The same place, spelled one of several ways (seeded). */
  const rng = new Rng(SEED);
  const spell = (abs: string): string => {
    if (abs === '') return abs;
    const rel = path.relative(ROOT, abs);
    const ways = [abs, `${abs}${path.sep}`, rel, path.join(p('parent-link'), path.relative(tmp, abs))];
    const w = ways[rng.int(ways.length)];
    const isFolder = ((): boolean => { try { return fs.statSync(abs).isDirectory(); } catch { return false; } })();
    return w === `${abs}${path.sep}` && !isFolder ? abs : w; // a trailing slash only on a folder
  };

  it('refuses every dangerous --out / --png before any work, in one line, and leaves every file as it was', async () => {
    const cases: { what: string; args: string[]; re: RegExp }[] = [];
    for (const w of writers) {
      const target = (where: string): string => spell(where === '' ? '' : p(where));
      const add = (where: string, re: RegExp, extra: string[] = []): void => {
        const out = target(where);
        cases.push({ what: `${w.name} → ${where || '""'} ${extra.join(' ')}`.trim(), args: [...w.args(out), ...extra], re });
      };
      if (w.kind === null) { // a picture file
        add('img-in', /is a folder; give a file name/);
        add('a-file', /exists and is not a PNG picture; it is not replaced/);
        add('', /--png is empty/);
        add(path.join('a-file', 'x.png'), /a path component is a file, not a folder|a-file is a file, not a folder/);
        add(w.link!, /exists and is not a PNG picture/);
        if (!isRoot) add(path.join('ro', 'x.png'), /cannot create it in .*ro \(permission denied\)/);
        continue;
      }
      for (const kind of ['lm', 'image', 'classifier']) {
        const folder = `has-${kind}`;
        if (kind === w.kind) add(folder, /already holds an? .* of [\d,]+ parameters.*--force replaces it/);
        else for (const extra of [[], ['--force']]) add(folder, /never replaces another kind of checkpoint/, extra);
      }
      add('user', /a folder of other files \(manifest\.json, weights-mine\.bin\), not a checkpoint folder/);
      add('user', /a folder of other files/, ['--force']);
      add('foreign', /holds a checkpoint\.json that is not a literate-gpt checkpoint; it is never replaced/, ['--force']);
      add('a-file', /exists and is not a folder/);
      add(path.join('a-file', 'sub'), /a path component is a file, not a folder|a-file is a file, not a folder/);
      add('', /--out is empty/);
      if (w.link) add(w.link, w.name === 'train lm' ? /already holds a language model/ : /is the --(checkpoint|pretrained) folder \(symbolic links followed\)|never replaces another kind/, w.name === 'train lm' ? [] : ['--force']);
      if (!isRoot) add(path.join('ro', 'new'), /cannot create it in .*ro \(permission denied\)/);
    }
    if (isRoot) console.log('      (running as root: read-only folders do not stop root, so the read-only-parent cases are skipped; the path-under-a-file cases stand in for them)');
    const before = snapshot(tmp);
    const t0 = Date.now();
    // In this process (a child process costs 2-9 s to start): the same checks, and a case that is
    // not refused would really run. Two of them go through the binary, as a user runs it.
    for (const c of cases) assertCleanFailure(await cliInProcess(c.args), c.re, `${c.what} (${c.args.join(' ')})`);
    for (const c of [cases[0], cases[cases.length - 1]]) assertCleanFailure(await cli(c.args), c.re, `${c.what}, as a child process`);
    assertUnchanged(before, snapshot(tmp), 'after the refusals');
    console.log(`      ${cases.length} refusals, ${((Date.now() - t0) / 1000).toFixed(0)} s in all; every pre-existing file byte-identical`);
  });

  it('an export that fails after it started leaves no temporary checkpoint behind', async () => {
    // A training checkpoint whose recorded corpus does not exist: export lm fails after writing
    // its float16 copy to the system temp folder, while loading the validation text.
    const dir = p('odd-corpus');
    savePico(dir, { trainState: { options: { corpus: 'no-such-corpus', seed: 1, tokenizer: 'char' }, history: [], trainCurve: [], tokensSeen: 0, elapsedMs: 0, scheduleSteps: 1 } });
    const temps = (): string[] => fs.readdirSync(os.tmpdir()).filter((f) => f.startsWith('lgpt-export-'));
    const before = temps();
    const r = await cliInProcess(['export', 'lm', '--checkpoint', dir, '--out', p('odd-export')]);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /no-such-corpus/);
    assert.deepEqual(temps().filter((f) => !before.includes(f)), [], 'a temporary checkpoint was left in the system temp folder');
    assert.equal(fs.existsSync(p('odd-export')), false);
    fs.rmSync(dir, { recursive: true });
  });

  it('--force replaces only the checkpoint it names (and our stale manifest); the user\'s files beside it stay', async () => {
    const before = snapshot(tmp);
    const r = await cli(['train', 'lm', '--preset', 'pico', '--steps', '1', '--eval-every', '1', '--force', '--out', p('has-lm'), '--json']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /^note: --force: replacing a language model of [\d,]+ parameters .*in .*has-lm$/m);
    const after = snapshot(tmp);
    // What --force may change: the checkpoint it replaces (its JSON and weights) and our manifest of it.
    const replaceable = (f: string): boolean => f === p('has-lm', 'checkpoint.json') || f === p('has-lm', 'manifest.json') || f.startsWith(p('has-lm', 'weights-'));
    const keep = (m: Map<string, string>): Map<string, string> => new Map([...m].filter(([f]) => !replaceable(f)));
    assertUnchanged(keep(before), keep(after), 'after --force');
    assert.equal(fs.existsSync(p('has-lm', 'manifest.json')), false, 'the manifest of the replaced model is gone');
    assert.equal(fs.readFileSync(p('has-lm', 'notes.txt'), 'utf8'), "the user's notes in has-lm");
    // A PNG may replace an earlier PNG (the picture the user asked for again).
    const png = p('grid.png');
    const first = await cli(['sample', 'image', '--checkpoint', p('img-in'), '--label', '3', '--n', '1', '--png', png]);
    assert.equal(first.status, 0, first.stderr);
    const again = await cli(['sample', 'image', '--checkpoint', p('img-in'), '--label', '3', '--n', '1', '--seed', '1', '--png', png]);
    assert.equal(again.status, 0, again.stderr);
    fs.rmSync(png);
  });
});
