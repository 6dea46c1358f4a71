/**
 * Bounded reading of files from outside (tokenizers, manifests): only a regular file is read,
 * its size is checked against a limit before a byte is read, and a FIFO or device is refused at
 * open time without waiting (O_NONBLOCK), so `--tokenizer /dev/zero` or a manifest.json that is
 * a FIFO ends in one line instead of an abort or a hang. Checkpoint files have their own reader
 * (io.ts's readInside, which also keeps them inside the folder); stdin is bounded in cli/stdin.ts.
 */
import * as fs from 'fs';
import { InputError } from '../errors';
import { fsReason, showPath } from './atomic';

/** Tokenizer JSON: GPT-2's 50k merges are about 1.5 MB; a 1M-token vocabulary fits too. */
export const MAX_TOKENIZER_BYTES = 64 * 1024 * 1024;
/** manifest.json: ours are a few kB (a long history is tens of kB). */
export const MAX_MANIFEST_BYTES = 16 * 1024 * 1024;

const kindOf = (st: fs.Stats): string =>
  st.isFIFO() ? 'a FIFO' : st.isCharacterDevice() || st.isBlockDevice() ? 'a device' : st.isSocket() ? 'a socket' : st.isDirectory() ? 'a folder' : 'not a regular file';

/**
 * The bytes of regular file `file`, at most `maxBytes` of them. Errors are InputErrors starting
 * with the path (shown escaped when it holds a newline), unless `named` is false.
 */
export function readBoundedFile(file: string, maxBytes: number, o: { named?: boolean } = {}): Buffer {
  const fail = (what: string): never => { throw new InputError(o.named === false ? what : `${showPath(file)}: ${what}`); };
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return fail(code === 'ENOENT' ? 'no such file' : `cannot open it (${fsReason(e)})`);
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) fail(`is ${kindOf(st)}, not a regular file (refused: it could block or never end)`);
    if (st.size > maxBytes) fail(`${st.size.toLocaleString('en')} bytes, more than the limit of ${maxBytes.toLocaleString('en')}`);
    const buf = Buffer.alloc(st.size);
    let got = 0;
    while (got < st.size) {
      const n = fs.readSync(fd, buf, got, st.size - got, got);
      if (n === 0) break;
      got += n;
    }
    return buf.subarray(0, got);
  } catch (e) {
    if (e instanceof InputError) throw e;
    return fail(`cannot read it (${fsReason(e)})`);
  } finally {
    fs.closeSync(fd);
  }
}
