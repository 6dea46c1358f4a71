// Writes that cannot half-happen (src/checkpoint/atomic.ts): a failure at any fs operation of a
// save — ENOSPC thrown, or a short write followed by ENOSPC, as a full disk gives — leaves the
// previous checkpoint byte-identical and loadable, no temporary file, and one WriteError line.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { fsReason, loadCheckpoint, setWriteOpsForTesting, writeFileAtomic, WriteError, type WriteOps } from '../src/checkpoint';
import { savePico } from './safety-helpers';

/** name → bytes of every file in `dir` (hidden ones included). */
function snapshot(dir: string): Map<string, string> {
  return new Map(fs.readdirSync(dir).sort().map((f) => [f, fs.readFileSync(path.join(dir, f)).toString('base64')]));
}

const enospc = (): NodeJS.ErrnoException => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });

/** Write ops that fail at the k-th call (1-based) of open/write/fsync/close/rename; counts calls. */
function failingAt(k: number, how: 'throw' | 'short', counter = { n: 0 }): Partial<WriteOps> {
  const tick = (): boolean => ++counter.n === k;
  return {
    openSync: (f, flags, mode) => { if (tick()) throw enospc(); return fs.openSync(f, flags, mode); },
    writeSync: (fd, b, o, l) => {
      if (tick()) {
        if (how === 'short' && l > 1) return fs.writeSync(fd, b, o, Math.floor(l / 2)); // the next call fails
        throw enospc();
      }
      if (counter.n > k && how === 'short') throw enospc();
      return fs.writeSync(fd, b, o, l);
    },
    fsyncSync: (fd) => { if (tick()) throw enospc(); fs.fsyncSync(fd); },
    closeSync: (fd) => { if (tick()) { fs.closeSync(fd); throw enospc(); } fs.closeSync(fd); },
    renameSync: (a, b) => { if (tick()) throw enospc(); fs.renameSync(a, b); },
  };
}

describe('atomic writes (checkpoint/atomic.ts)', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lgpt-atomic-'));
  after(() => { setWriteOpsForTesting(null); fs.rmSync(tmp, { recursive: true, force: true }); });
  afterEach(() => setWriteOpsForTesting(null));

  it('counts the operations of a save (two files: open, write, fsync, close, rename each)', () => {
    const dir = path.join(tmp, 'count');
    savePico(dir, { seed: 1, optimizer: true });
    const counter = { n: 0 };
    setWriteOpsForTesting(failingAt(Number.MAX_SAFE_INTEGER, 'throw', counter));
    savePico(dir, { seed: 2, optimizer: true });
    assert.ok(counter.n >= 10, `${counter.n} operations`);
  });

  for (const how of ['throw', 'short'] as const) {
    it(`ENOSPC ${how === 'throw' ? 'thrown' : 'after a short write'} at each operation of a save: the previous checkpoint stays byte-identical and loadable`, () => {
      const dir = path.join(tmp, `enospc-${how}`);
      const wteA = savePico(dir, { seed: 1, optimizer: true });
      const counter = { n: 0 };
      setWriteOpsForTesting(failingAt(Number.MAX_SAFE_INTEGER, how, counter));
      savePico(path.join(tmp, `probe-${how}`), { seed: 2, optimizer: true });
      setWriteOpsForTesting(null);
      const total = counter.n;
      for (let k = 1; k <= total; k++) {
        const before = snapshot(dir);
        setWriteOpsForTesting(failingAt(k, how));
        assert.throws(() => savePico(dir, { seed: 2, optimizer: true }), (e: unknown) => {
          assert.ok(e instanceof WriteError, `k=${k}: ${String(e)}`);
          assert.match((e as Error).message, /: cannot save the checkpoint \(no space left on the device\); the previous checkpoint is unchanged$/);
          assert.ok(!(e as Error).message.includes('\n'));
          return true;
        });
        setWriteOpsForTesting(null);
        assert.deepEqual(snapshot(dir), before, `k=${k} of ${total}: the folder changed`);
        const ck = loadCheckpoint(dir);
        assert.deepEqual(Array.from(ck.model.params.get('wte')!.dataSync()), Array.from(wteA), `k=${k}`);
        ck.model.dispose();
        for (const t of [...ck.moments!.m.values(), ...ck.moments!.v.values()]) t.dispose();
      }
      // And with the disk free again, the save goes through.
      savePico(dir, { seed: 2, optimizer: true });
      assert.equal(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp')).length, 0);
    });
  }

  it('writeFileAtomic: a failed write leaves the previous file and no temporary file; the reason is in words', () => {
    const file = path.join(tmp, 'result.json');
    writeFileAtomic(file, '{"a":1}\n');
    for (let k = 1; k <= 5; k++) {
      setWriteOpsForTesting(failingAt(k, 'throw'));
      assert.throws(() => writeFileAtomic(file, '{"a":2}\n'), /result\.json: cannot write it \(no space left on the device\); the previous file is unchanged/);
      setWriteOpsForTesting(null);
      assert.equal(fs.readFileSync(file, 'utf8'), '{"a":1}\n');
      assert.deepEqual(fs.readdirSync(tmp).filter((f) => f.startsWith('.result.json')), []);
    }
    writeFileAtomic(file, '{"a":2}\n');
    assert.equal(fs.readFileSync(file, 'utf8'), '{"a":2}\n');
  });

  it('writeFileAtomic keeps an existing file\'s permission bits', () => {
    const file = path.join(tmp, 'mode.txt');
    fs.writeFileSync(file, 'x');
    fs.chmodSync(file, 0o600);
    writeFileAtomic(file, 'y');
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
  });

  it('fsReason names ENOSPC, EROFS, EACCES and EDQUOT in words, on one line', () => {
    const e = (code: string): NodeJS.ErrnoException => Object.assign(new Error(`${code}: x\ny`), { code });
    assert.equal(fsReason(e('ENOSPC')), 'no space left on the device');
    assert.equal(fsReason(e('EROFS')), 'read-only filesystem');
    assert.equal(fsReason(e('EACCES')), 'permission denied');
    assert.equal(fsReason(e('EDQUOT')), 'disk quota exceeded');
    assert.equal(fsReason(new Error('two\nlines')), 'two lines');
  });
});
