/**
 * Output-path checks shared by the commands that write (issue 20). A path is compared by what it
 * resolves to, symbolic links followed, never by its spelling: `--out LINK` with LINK pointing at
 * the `--checkpoint` folder is the same folder.
 */
import * as fs from 'fs';
import * as path from 'path';

/** `p` resolved with every symbolic link followed; for a path that does not exist yet, its nearest existing ancestor is resolved. */
export function resolvedPath(p: string): string {
  const abs = path.resolve(p);
  const rest: string[] = [];
  let cur = abs;
  for (;;) {
    try {
      return path.join(fs.realpathSync(cur), ...rest.reverse());
    } catch {
      const parent = path.dirname(cur);
      if (parent === cur) return abs;
      rest.push(path.basename(cur));
      cur = parent;
    }
  }
}

/** Whether `a` and `b` name the same file or folder once symbolic links are followed. */
export function samePath(a: string, b: string): boolean {
  return resolvedPath(a) === resolvedPath(b);
}
