/** fs errors in a few words for a person (shared by the write path, the lock and the readers). */

const REASONS: Readonly<Record<string, string>> = {
  ENOSPC: 'no space left on the device', EDQUOT: 'disk quota exceeded', EROFS: 'read-only filesystem',
  EACCES: 'permission denied', EPERM: 'permission denied', EIO: 'input/output error', EFBIG: 'file too large for the filesystem',
  ENOENT: 'no such file or folder', ENOTDIR: 'a path component is not a folder', EISDIR: 'is a folder', ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'name too long', EEXIST: 'already exists', EMFILE: 'too many open files', EXDEV: 'on another filesystem',
};

/** An fs error in a few words for a person, on one line (a path with a newline cannot split it). */
export function fsReason(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  const text = (err?.code && REASONS[err.code]) ?? String(err?.message ?? e);
  return text.replace(/\s+/g, ' ').trim();
}
