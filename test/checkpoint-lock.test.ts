// One writer per folder (src/checkpoint/lock.ts): the lock file, its pid, stale locks, the
// journal of files being created, and the folders a lock created for itself.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { holdsLock, LOCK_FILE, lockFolder, releaseAllLocks, unlockFolder } from '../src/checkpoint';
import { InputError } from '../src/errors';
import { DEAD_PID } from './safety-helpers';

describe('folder locks (checkpoint/lock.ts)', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lgpt-lock-'));
  const p = (...parts: string[]): string => path.join(tmp, ...parts);
  afterEach(() => releaseAllLocks());
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('is re-entrant within a process; the last unlock removes the lock file, a folder it created (if empty) too', () => {
    const dir = p('new', 'nested');
    lockFolder(dir, { create: true });
    lockFolder(dir);
    const header = JSON.parse(fs.readFileSync(path.join(dir, LOCK_FILE), 'utf8').split('\n')[0]) as { pid: number };
    assert.equal(header.pid, process.pid);
    unlockFolder(dir);
    assert.ok(holdsLock(dir) && fs.existsSync(path.join(dir, LOCK_FILE)), 'still held once');
    unlockFolder(dir);
    assert.equal(holdsLock(dir), false);
    assert.equal(fs.existsSync(p('new')), false, 'both folders it created were empty and are gone');
  });

  it('keeps a folder it created once something was written there', () => {
    const dir = p('kept');
    lockFolder(dir, { create: true });
    fs.writeFileSync(path.join(dir, 'result.json'), '{}');
    unlockFolder(dir);
    assert.deepEqual(fs.readdirSync(dir), ['result.json']);
  });

  it('refuses a folder whose lock holds a live pid, naming it, and leaves the lock as it was', () => {
    const dir = p('live');
    fs.mkdirSync(dir);
    const lock = `${JSON.stringify({ pid: process.ppid, since: '2026-12-06T00:00:00.000Z', command: 'literate-gpt train lm' })}\n`;
    fs.writeFileSync(path.join(dir, LOCK_FILE), lock);
    assert.throws(() => lockFolder(dir), (e: unknown) => e instanceof InputError && e.message === `${dir}: another literate-gpt process (pid ${process.ppid}, since 2026-12-06T00:00:00.000Z) is writing this folder; wait for it to finish or stop it (one writer per folder)`);
    assert.equal(fs.readFileSync(path.join(dir, LOCK_FILE), 'utf8'), lock);
  });

  it('takes over a stale lock and removes exactly what it journaled (not the listed weights, not a look-alike)', () => {
    const dir = p('stale');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'checkpoint.json'), JSON.stringify({ weightsFile: 'weights-a-00000000.bin' }));
    for (const f of ['weights-a-00000000.bin', 'weights-b-00000000.bin', '.x.tmp', 'weights-c-11111111.bin']) fs.writeFileSync(path.join(dir, f), f);
    fs.writeFileSync(path.join(dir, LOCK_FILE), `${JSON.stringify({ pid: DEAD_PID, since: 's', command: 'c' })}\npending weights-a-00000000.bin\npending weights-b-00000000.bin\npending .x.tmp\npending ../outside\n`);
    lockFolder(dir);
    assert.deepEqual(fs.readdirSync(dir).sort(), [LOCK_FILE, 'checkpoint.json', 'weights-a-00000000.bin', 'weights-c-11111111.bin'].sort());
    assert.equal((JSON.parse(fs.readFileSync(path.join(dir, LOCK_FILE), 'utf8').split('\n')[0]) as { pid: number }).pid, process.pid);
  });

  it('an unreadable lock is refused while young (a writer may be starting) and taken when old', () => {
    const dir = p('empty-lock');
    fs.mkdirSync(dir);
    const lock = path.join(dir, LOCK_FILE);
    fs.writeFileSync(lock, '');
    assert.throws(() => lockFolder(dir), /another literate-gpt process \(just starting\)/);
    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(lock, old, old);
    lockFolder(dir);
    assert.ok(holdsLock(dir));
  });

  it('removes the temporary files of a dead locker (its pid in the name and inside), not those of a live one', () => {
    const dir = p('temps');
    fs.mkdirSync(dir);
    const dead = `${LOCK_FILE}.${DEAD_PID}.tmp`;
    const live = `${LOCK_FILE}.${process.ppid}.tmp`;
    fs.writeFileSync(path.join(dir, dead), `${JSON.stringify({ pid: DEAD_PID, since: 's', command: 'c' })}\n`);
    fs.writeFileSync(path.join(dir, live), `${JSON.stringify({ pid: process.ppid, since: 's', command: 'c' })}\n`);
    lockFolder(dir);
    assert.deepEqual(fs.readdirSync(dir).sort(), [LOCK_FILE, live].sort());
  });
});
