// export hf follows the project's write rules (src/hf/export.ts): --out locked for the whole
// export (a second writer refused in one line before any work), every file through the checked
// write path (checkpoint/atomic.ts), a failure at any fs operation leaving nothing behind, a
// stale lock's journaled leftovers removed by the next export, and --out compared to
// --checkpoint by what it is. All in this process (no child CLI), a few seconds in all.
import { strict as assert } from 'assert';
import { spawn, type ChildProcess } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { LOCK_FILE, lockFolder, releaseAllLocks, setWriteOpsForTesting, unlockFolder, writeChunksAtomic, WriteError, type WriteOps } from '../src/checkpoint';
import { InputError } from '../src/errors';
import { exportGpt2, loadGpt2, readSafetensor, readSafetensorsHeader, writeSafetensors } from '../src/hf';
import { makeConfig } from '../src/model/config';
import { GPT } from '../src/model/gpt';
import { BpeTokenizer } from '../src/tokenize';
import { assertCleanFailure, cliInProcess, DEAD_PID } from './safety-helpers';

/** relative path → sha256 of every file under `dir`, recursively (hidden files included). */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string): void => {
    for (const f of fs.readdirSync(d).sort()) {
      const p = path.join(d, f);
      if (fs.lstatSync(p).isDirectory()) { out.set(`${path.relative(dir, p)}/`, 'dir'); walk(p); } else out.set(path.relative(dir, p), createHash('sha256').update(fs.readFileSync(p)).digest('hex'));
    }
  };
  walk(dir);
  return out;
}

const fsError = (code: string): NodeJS.ErrnoException => Object.assign(new Error(`${code}: injected`), { code });

/** Write ops that fail with `code` at the k-th call (1-based) of open/write/fsync/close/rename; `short`: a half write first. */
function failingAt(k: number, code: string, how: 'throw' | 'short' = 'throw', counter = { n: 0 }): Partial<WriteOps> {
  const tick = (): boolean => ++counter.n === k;
  return {
    openSync: (f, flags, mode) => { if (tick()) throw fsError(code); return fs.openSync(f, flags, mode); },
    writeSync: (fd, b, o, l) => {
      if (tick()) {
        if (how === 'short' && l > 1) return fs.writeSync(fd, b, o, Math.floor(l / 2));
        throw fsError(code);
      }
      if (counter.n > k && how === 'short') throw fsError(code); // a full disk stays full
      return fs.writeSync(fd, b, o, l);
    },
    fsyncSync: (fd) => { if (tick()) throw fsError(code); fs.fsyncSync(fd); },
    closeSync: (fd) => { if (tick()) { fs.closeSync(fd); throw fsError(code); } fs.closeSync(fd); },
    renameSync: (a, b) => { if (tick()) throw fsError(code); fs.renameSync(a, b); },
  };
}

/** A process that is alive until killed: the "other writer" holding a lock. */
function liveProcess(): ChildProcess {
  return spawn(process.execPath, ['-e', 'setTimeout(() => {}, 120000)'], { stdio: 'ignore' });
}

function writeLock(dir: string, pid: number, pending: readonly string[] = []): void {
  fs.writeFileSync(path.join(dir, LOCK_FILE), `${JSON.stringify({ pid, since: '2026-12-06T00:00:00.000Z', command: 'literate-gpt export hf' })}\n${pending.map((n) => `pending ${n}\n`).join('')}`);
}

const EXPORT_FILES = ['config.json', 'merges.txt', 'model.safetensors', 'tokenizer_config.json', 'vocab.json'];

describe('export hf: one writer, checked writes, nothing left behind', function () {
  this.timeout(60_000);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lgpt-hf-safety-'));
  const p = (...parts: string[]): string => path.join(root, ...parts);
  const tok = BpeTokenizer.train('the cat sat on the mat; the cat ate the rat. '.repeat(20), 270);
  const model = new GPT(makeConfig({ preset: 'pico', vocabSize: tok.vocabSize }), { seed: 3 });
  const holders: ChildProcess[] = [];
  after(() => {
    setWriteOpsForTesting(null);
    releaseAllLocks();
    for (const h of holders) h.kill('SIGKILL');
    model.dispose();
    fs.rmSync(root, { recursive: true, force: true });
  });
  afterEach(() => setWriteOpsForTesting(null));

  it('a folder locked by a live process: export hf is refused in one line before any work (even before reading --checkpoint), nothing written; once the holder is gone the stale lock is taken over', async () => {
    const out = p('locked');
    fs.mkdirSync(out);
    const holder = liveProcess();
    holders.push(holder);
    await new Promise((resolve) => holder.once('spawn', resolve));
    writeLock(out, holder.pid!);
    const before = snapshot(out);
    const re = new RegExp(`locked: another literate-gpt process \\(pid ${holder.pid}, since 2026-12-06T00:00:00\\.000Z\\) is writing this folder; wait for it to finish or stop it \\(one writer per folder\\)$`);
    assertCleanFailure(await cliInProcess(['export', 'hf', '--checkpoint', 'data/checkpoints/lm', '--out', out, '--json']), re, 'export hf into a locked folder');
    // The lock is judged before the input is read: a missing checkpoint is not what it reports.
    assertCleanFailure(await cliInProcess(['export', 'hf', '--checkpoint', p('no-such-checkpoint'), '--out', out]), re, 'locked, with a missing --checkpoint');
    // The library call takes the same lock.
    assert.throws(() => exportGpt2(model, tok, out), (e: unknown) => e instanceof InputError && re.test(e.message));
    assert.deepEqual(snapshot(out), before, 'the locked folder changed');
    // The holder ends without releasing (as kill -9 would): the next export takes the stale lock over.
    const gone = new Promise((resolve) => holder.once('exit', resolve));
    holder.kill('SIGKILL');
    await gone;
    const files = exportGpt2(model, tok, out);
    assert.deepEqual(files.map((f) => f.name).sort(), EXPORT_FILES);
    assert.deepEqual(fs.readdirSync(out).sort(), EXPORT_FILES, 'the lock is released after the export');
  });

  it('while this process holds --out\'s lock the export inside it goes through (re-entrant), and a stale lock\'s journaled leftovers are removed, a user\'s file kept', () => {
    // A dead export left a lock journaling what it wrote: the next export removes exactly those.
    const dead = p('dead-writer');
    fs.mkdirSync(dead);
    fs.writeFileSync(p('dead-writer', 'model.safetensors'), 'half of an export');
    fs.writeFileSync(p('dead-writer', '.vocab.json.123-abcd0123.tmp'), 'a temporary file');
    writeLock(dead, DEAD_PID, ['model.safetensors', '.vocab.json.123-abcd0123.tmp']);
    exportGpt2(model, tok, dead);
    assert.deepEqual(fs.readdirSync(dead).sort(), EXPORT_FILES);
    assert.equal(readSafetensorsHeader(p('dead-writer', 'model.safetensors')).entries.size, model.specs.length);
    // Not journaled: the user's, never removed, and the export refuses the folder.
    const user = p('dead-writer-user');
    fs.mkdirSync(user);
    fs.writeFileSync(path.join(user, 'notes.txt'), 'mine');
    writeLock(user, DEAD_PID, []);
    assert.throws(() => exportGpt2(model, tok, user), /dead-writer-user: exists and is not an empty folder/);
    assert.deepEqual(fs.readdirSync(user), ['notes.txt']);
    // Held by this process already (as the CLI holds it): the export's own lock is the same one.
    const mine = p('mine');
    lockFolder(mine, { create: true });
    try {
      exportGpt2(model, tok, mine);
      assert.deepEqual(fs.readdirSync(mine).sort(), [LOCK_FILE, ...EXPORT_FILES].sort());
      assert.deepEqual(fs.readFileSync(path.join(mine, LOCK_FILE), 'utf8').split('\n').filter((l) => l.startsWith('pending ')), [], 'a complete export empties the journal');
    } finally { unlockFolder(mine); }
    assert.deepEqual(fs.readdirSync(mine).sort(), EXPORT_FILES);
  });

  for (const how of ['throw', 'short'] as const) {
    it(`ENOSPC ${how === 'throw' ? 'thrown' : 'after a short write'} at every fs operation of the export: one WriteError line, no folder, no temporary file, the neighbours byte-identical`, () => {
      const counter = { n: 0 };
      setWriteOpsForTesting(failingAt(Number.MAX_SAFE_INTEGER, 'ENOSPC', how, counter));
      exportGpt2(model, tok, p(`probe-${how}`));
      setWriteOpsForTesting(null);
      const total = counter.n;
      assert.ok(total >= 5 * 4 + model.specs.length, `${total} operations`); // each tensor written on its own
      const parent = p(`parent-${how}`);
      fs.mkdirSync(parent);
      exportGpt2(model, tok, path.join(parent, 'previous')); // an earlier export beside it stays as it is
      fs.mkdirSync(path.join(parent, 'empty'));
      const before = snapshot(parent);
      for (let k = 1; k <= total; k++) {
        for (const out of [path.join(parent, 'new'), path.join(parent, 'empty')]) {
          setWriteOpsForTesting(failingAt(k, 'ENOSPC', how));
          assert.throws(() => exportGpt2(model, tok, out), (e: unknown) => {
            assert.ok(e instanceof WriteError, `k=${k}: ${String(e)}`);
            assert.equal((e as Error).message, `${out}: cannot write the export (no space left on the device); nothing was written`);
            return true;
          });
          setWriteOpsForTesting(null);
          assert.deepEqual(snapshot(parent), before, `k=${k} of ${total}, ${path.basename(out)}: the folder changed`);
        }
      }
      // The disk free again: the export goes through.
      exportGpt2(model, tok, path.join(parent, 'new'));
      assert.deepEqual(fs.readdirSync(path.join(parent, 'new')).sort(), EXPORT_FILES);
    });
  }

  it('the CLI: a write failure (ENOSPC, EROFS, EACCES) is exit 2 with one line in words, --out and the input as they were', async () => {
    const input = path.resolve('data/checkpoints/lm');
    const inputBefore = snapshot(input);
    // A write into the weights file; the open of config.json, the last file (the four before it are
    // removed again); the rename of vocab.json.
    const ops: Partial<WriteOps>[] = [
      failingAt(3, 'ENOSPC'),
      { openSync: (f, flags, mode) => { if (path.basename(f).startsWith('.config.json.')) throw fsError('EROFS'); return fs.openSync(f, flags, mode); } },
      { renameSync: (a, b) => { if (path.basename(b) === 'vocab.json') throw fsError('EACCES'); fs.renameSync(a, b); } },
    ];
    const cases: [string, string][] = [['ENOSPC', 'no space left on the device'], ['EROFS', 'read-only filesystem'], ['EACCES', 'permission denied']];
    for (const [i, [code, words]] of cases.entries()) {
      const out = p(`cli-${code}`);
      if (i === 1) fs.mkdirSync(out); // an existing empty folder stays, empty
      setWriteOpsForTesting(ops[i]);
      const r = await cliInProcess(['export', 'hf', '--checkpoint', 'data/checkpoints/lm', '--out', out, '--json']);
      setWriteOpsForTesting(null);
      assertCleanFailure(r, new RegExp(`^literate-gpt export hf: .*cli-${code}: cannot write the export \\(${words}\\); nothing was written$`), code);
      if (i === 1) assert.deepEqual(fs.readdirSync(out), [], `${code}: the empty folder is no longer empty`);
      else assert.equal(fs.existsSync(out), false, `${code}: --out was left behind`);
    }
    assert.deepEqual(fs.readdirSync(root).filter((f) => f.startsWith('.')), [], 'a temporary file or folder beside --out');
    assert.deepEqual(snapshot(input), inputBefore, 'the input checkpoint changed');
    // And without a failure, the same command writes the whole folder, which loads.
    const out = p('cli-ok');
    const r = await cliInProcess(['export', 'hf', '--checkpoint', 'data/checkpoints/lm', '--out', out, '--json']);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(fs.readdirSync(out).sort(), EXPORT_FILES);
    const back = loadGpt2(out);
    back.model.dispose();
  });

  it('--out that is the --checkpoint folder through a link is refused before the lock touches the input', async () => {
    const input = path.resolve('data/checkpoints/lm');
    const before = snapshot(input);
    const link = p('lm-link');
    fs.symlinkSync(input, link);
    assertCleanFailure(await cliInProcess(['export', 'hf', '--checkpoint', 'data/checkpoints/lm', '--out', link]), /--out .*lm-link is the --checkpoint folder \(symbolic links followed\): choose another$/, 'a link to the input');
    assert.deepEqual(snapshot(input), before);
  });

  it('writeSafetensors writes one tensor at a time (each read only when its bytes are written); a tensor that fails mid-file leaves no file', () => {
    const dir = p('lazy');
    fs.mkdirSync(dir);
    const file = path.join(dir, 'w.safetensors');
    const events: string[] = [];
    const lazy = (name: string, values: number[]) => ({ name, shape: [values.length], data: () => { events.push(`read ${name}`); return Float32Array.from(values); } });
    setWriteOpsForTesting({ writeSync: (fd, b, o, l) => { events.push(`write ${l}`); return fs.writeSync(fd, b, o, l); } });
    writeSafetensors(file, [lazy('a', [1, 2, 3]), lazy('b', [4])]);
    setWriteOpsForTesting(null);
    assert.deepEqual(events.slice(1), ['read a', 'write 12', 'read b', 'write 4']); // after the header's write
    const h = readSafetensorsHeader(file);
    assert.deepEqual(Array.from(readSafetensor(file, h.entries.get('b')!)), [4]);
    const before = snapshot(dir);
    const bad = { name: 'c', shape: [2], data: (): Float32Array => { throw new RangeError('the tensor is gone'); } };
    assert.throws(() => writeSafetensors(file, [lazy('a', [9, 9, 9]), bad]), /^RangeError: the tensor is gone$/);
    assert.deepEqual(snapshot(dir), before, 'the previous file changed or a temporary file stayed');
    // writeChunksAtomic reports the filesystem's errors as WriteErrors, the data source's as they are.
    setWriteOpsForTesting(failingAt(2, 'ENOSPC'));
    assert.throws(() => writeChunksAtomic(file, [Buffer.from('x')]), /w\.safetensors: cannot write it \(no space left on the device\); the previous file is unchanged$/);
    setWriteOpsForTesting(null);
    assert.deepEqual(snapshot(dir), before);
  });
});
