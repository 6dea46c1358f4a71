/**
 * The safetensors file format (Hugging Face's weights files), read and written with nothing but fs.
 *
 *   [8 bytes: N, little-endian u64] [N bytes: JSON header] [data]
 *
 * The header maps each tensor's name to `{ dtype, shape, data_offsets: [begin, end] }`, offsets
 * counted from the start of the data, plus an optional `__metadata__` object of strings. The
 * format was made so that loading is data, never code (unlike a pickled PyTorch file), and we
 * read it in the same spirit as our own checkpoints: sizes are checked before anything is read,
 * and the header must describe the data exactly (every byte belongs to one tensor, no overlap,
 * no gap, each tensor's bytes equal its shape times its dtype's size), as the format's own
 * reference reader demands. Tensors are then read one at a time, so loading a 500 MB file never
 * holds it all in memory at once.
 */
import * as fs from 'fs';
import { InputError } from '../errors';
import { writeChunksAtomic } from '../checkpoint/atomic';
import { float32ToHalf, halfToFloat32 } from '../checkpoint/half';

/** The reference reader refuses headers over 100 MB; so do we. */
export const MAX_HEADER_BYTES = 100_000_000;

const DTYPE_BYTES: Readonly<Record<string, number>> = {
  BOOL: 1, U8: 1, I8: 1, F8_E5M2: 1, F8_E4M3: 1, I16: 2, U16: 2, F16: 2, BF16: 2, I32: 4, U32: 4, F32: 4, F64: 8, I64: 8, U64: 8,
};

/** One tensor as the header describes it; `begin`/`end` are byte offsets into the file. */
export interface SafetensorsEntry {
  readonly name: string;
  readonly dtype: string;
  readonly shape: readonly number[];
  readonly begin: number;
  readonly end: number;
}

export interface SafetensorsHeader {
  readonly file: string;
  /** Tensors in file order. */
  readonly entries: ReadonlyMap<string, SafetensorsEntry>;
  readonly metadata: Readonly<Record<string, string>>;
}

/** A float32 tensor to write. */
export interface TensorToWrite {
  readonly name: string;
  readonly shape: readonly number[];
  /**
   * The values, or a function that gives them only when their bytes are written (writeSafetensors
   * then holds one tensor's bytes at a time, not the whole file).
   */
  readonly data: Float32Array | (() => Float32Array);
  /** Stored as F32 (default) or F16. */
  readonly dtype?: 'F32' | 'F16';
}

/**
 * Validate a header's JSON against the size of the data that follows it; `where` names the file
 * in errors. Exported for tests; readSafetensorsHeader is what loaders call.
 */
export function parseSafetensorsHeader(text: string, dataBytes: number, where: string): Omit<SafetensorsHeader, 'file'> {
  const fail: (what: string) => never = (what) => { throw new InputError(`${where}: ${what}`); };
  let json: unknown;
  try { json = JSON.parse(text); } catch { fail('its safetensors header is not valid JSON'); }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) fail('its safetensors header is not a JSON object');
  const list: SafetensorsEntry[] = [];
  let metadata: Record<string, string> = {};
  for (const [name, raw] of Object.entries(json as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (raw === null || typeof raw !== 'object' || Array.isArray(raw) || !Object.values(raw).every((v) => typeof v === 'string')) fail('__metadata__ must map names to strings');
      metadata = raw as Record<string, string>;
      continue;
    }
    const e = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    const tensor = `tensor '${name.slice(0, 80)}'`;
    if (e === null || typeof e !== 'object' || Array.isArray(e)) fail(`${tensor} is not an object`);
    if (typeof e.dtype !== 'string' || !(e.dtype in DTYPE_BYTES)) fail(`${tensor} has an unknown dtype ${JSON.stringify(e.dtype)}`);
    const dtype = e.dtype as string;
    if (!Array.isArray(e.shape) || e.shape.length > 8 || !e.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) fail(`${tensor} has a bad shape ${JSON.stringify(e.shape)}`);
    const shape = e.shape as number[];
    const off = e.data_offsets;
    if (!Array.isArray(off) || off.length !== 2 || !off.every((d) => Number.isSafeInteger(d) && d >= 0) || off[0] > off[1]) fail(`${tensor} has bad data_offsets ${JSON.stringify(off)}`);
    const [begin, end] = off as [number, number];
    const want = shape.reduce((a, b) => a * b, 1) * DTYPE_BYTES[dtype];
    if (end - begin !== want) fail(`${tensor}: data_offsets span ${end - begin} bytes, its shape [${shape.join(', ')}] of ${dtype} needs ${want}`);
    if (end > dataBytes) fail(`${tensor} ends at byte ${end} of the data, which has only ${dataBytes}`);
    list.push({ name, dtype, shape, begin, end });
  }
  // Every data byte belongs to exactly one tensor: sorted by offset, each starts where the last ended.
  const sorted = [...list].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  for (const e of sorted) {
    if (e.begin !== at) fail(e.begin < at ? `tensor '${e.name.slice(0, 80)}' overlaps the one before it` : `the data has a gap of ${e.begin - at} bytes before tensor '${e.name.slice(0, 80)}'`);
    at = e.end;
  }
  if (at !== dataBytes) fail(`the header describes ${at} bytes of data, the file holds ${dataBytes}`);
  return { entries: new Map(sorted.map((e) => [e.name, e])), metadata };
}

function openRegular(file: string): { fd: number; size: number } {
  let fd: number;
  try {
    // O_NONBLOCK: a FIFO put in place of the file cannot make open() wait forever. Links are
    // followed (the Hugging Face cache links model files to its blobs), but the target must be a file.
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(`${file}: ${code === 'ENOENT' ? 'no such file' : `cannot open (${code ?? String(e)})`}`);
  }
  const st = fs.fstatSync(fd);
  if (!st.isFile()) { fs.closeSync(fd); throw new InputError(`${file}: not a regular file`); }
  return { fd, size: st.size };
}

function readExactly(fd: number, length: number, position: number, file: string): Buffer {
  const buf = Buffer.alloc(length);
  let got = 0;
  while (got < length) {
    const n = fs.readSync(fd, buf, got, length - got, position + got);
    if (n === 0) throw new InputError(`${file}: shrank while being read`);
    got += n;
  }
  return buf;
}

/** Read and check the header of a .safetensors file (reads only the header's bytes). */
export function readSafetensorsHeader(file: string): SafetensorsHeader {
  const { fd, size } = openRegular(file);
  try {
    if (size < 8) throw new InputError(`${file}: ${size} bytes, too short for a safetensors file`);
    const n = Number(readExactly(fd, 8, 0, file).readBigUInt64LE(0));
    if (n > MAX_HEADER_BYTES) throw new InputError(`${file}: its header claims ${n} bytes (limit ${MAX_HEADER_BYTES}); not a safetensors file?`);
    if (n > size - 8) throw new InputError(`${file}: its header claims ${n} bytes, the file has only ${size - 8} after the length`);
    const text = readExactly(fd, n, 8, file).toString('utf8');
    if (!text.startsWith('{')) throw new InputError(`${file}: its header does not start with '{'; not a safetensors file?`);
    const h = parseSafetensorsHeader(text, size - 8 - n, file);
    const base = 8 + n;
    const entries = new Map([...h.entries].map(([k, e]) => [k, { ...e, begin: base + e.begin, end: base + e.end }]));
    return { file, entries, metadata: h.metadata };
  } finally {
    fs.closeSync(fd);
  }
}

/** Little-endian bfloat16 → float32: the upper half of a float32's bits. */
function bf16ToFloat32(h: Uint16Array): Float32Array {
  const bits = new Uint32Array(h.length);
  for (let i = 0; i < h.length; i++) bits[i] = h[i] << 16;
  return new Float32Array(bits.buffer);
}

/** Read one floating-point tensor as float32 (F32, F16, BF16 or F64); other dtypes are refused. */
export function readSafetensor(file: string, e: SafetensorsEntry): Float32Array {
  const { fd } = openRegular(file);
  let raw: Buffer;
  try { raw = readExactly(fd, e.end - e.begin, e.begin, file); } finally { fs.closeSync(fd); }
  // Copy into an aligned buffer of its own (the file's offsets need not be aligned).
  const bytes = new Uint8Array(raw.length);
  bytes.set(raw);
  switch (e.dtype) {
    case 'F32': return new Float32Array(bytes.buffer);
    case 'F16': return halfToFloat32(new Uint16Array(bytes.buffer));
    case 'BF16': return bf16ToFloat32(new Uint16Array(bytes.buffer));
    case 'F64': return Float32Array.from(new Float64Array(bytes.buffer));
    default: throw new InputError(`${file}: tensor '${e.name}' is ${e.dtype}, not a floating-point weight`);
  }
}

/** A safetensors file's layout: its first bytes (length and header) and its size in bytes. */
export interface SafetensorsLayout {
  readonly head: Buffer;
  readonly bytes: number;
}

function valuesOf(t: TensorToWrite): number {
  return t.shape.reduce((a, b) => a * b, 1);
}

/** The header of a file holding `tensors` in the order given (padded so the data starts 8-byte aligned); nothing of the data is read. */
export function safetensorsLayout(tensors: readonly TensorToWrite[], metadata: Record<string, string> = {}): SafetensorsLayout {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const t of tensors) {
    const n = valuesOf(t);
    if (typeof t.data !== 'function' && n !== t.data.length) throw new Error(`tensor '${t.name}': shape [${t.shape.join(', ')}] holds ${n} values, data has ${t.data.length}`);
    if (t.name in header) throw new Error(`tensor '${t.name}' given twice`);
    const bytes = n * (t.dtype === 'F16' ? 2 : 4);
    header[t.name] = { dtype: t.dtype ?? 'F32', shape: [...t.shape], data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (Buffer.byteLength(json) % 8)) % 8); // the data starts 8-byte aligned
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(Buffer.byteLength(json)));
  const head = Buffer.concat([len, Buffer.from(json, 'utf8')]);
  return { head, bytes: head.length + offset };
}

/**
 * The bytes of a safetensors file holding `tensors`, piece by piece: the header, then each
 * tensor's bytes (a lazy tensor's data is asked for only then), so a writer holds one tensor at a time.
 */
export function* safetensorsChunks(tensors: readonly TensorToWrite[], metadata: Record<string, string> = {}): Generator<Uint8Array> {
  yield safetensorsLayout(tensors, metadata).head;
  for (const t of tensors) {
    const data = typeof t.data === 'function' ? t.data() : t.data;
    const n = valuesOf(t);
    if (n !== data.length) throw new Error(`tensor '${t.name}': shape [${t.shape.join(', ')}] holds ${n} values, data has ${data.length}`);
    const typed = t.dtype === 'F16' ? float32ToHalf(data) : data;
    yield new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength);
  }
}

/** The bytes of a safetensors file holding `tensors` in the order given (header padded to 8 bytes), in memory. */
export function encodeSafetensors(tensors: readonly TensorToWrite[], metadata: Record<string, string> = {}): Buffer {
  return Buffer.concat([...safetensorsChunks(tensors, metadata)]);
}

/**
 * Write a safetensors file whole or not at all, through the project's checked write
 * (checkpoint/atomic.ts: a temporary file, every write checked, fsync, rename), one tensor at a
 * time: memory holds the header and one tensor's bytes, never the whole file. Throws a WriteError.
 */
export function writeSafetensors(file: string, tensors: readonly TensorToWrite[], metadata: Record<string, string> = {}): void {
  safetensorsLayout(tensors, metadata); // a bad tensor list is refused before the file is opened
  writeChunksAtomic(file, safetensorsChunks(tensors, metadata));
}
