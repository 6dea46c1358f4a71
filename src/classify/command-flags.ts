/**
 * What a recorded training command sets: result files keep the exact `literate-gpt train …` line
 * of each run, and two results can only be compared once one knows which flags their runs differ
 * in. Chapter 05 uses it to show that its two "all labels" accuracies come from runs that differ
 * in `--token-init` and the seed only.
 */

/** The flags where their write goes, not what the run trains: ignored when comparing runs. */
export const OUTPUT_FLAGS = ['out', 'force', 'json'] as const;

/**
 * `--flag value` pairs of a command line (the part before `&&`, so a chained `eval` is left out);
 * a flag followed by another flag or by nothing has the value ''. `defaults` fill in what a
 * command leaves unsaid (the CLI's defaults), so that an omitted flag equals its default.
 */
export function commandFlags(command: string, defaults: Readonly<Record<string, string>> = {}): Map<string, string> {
  const parts = command.split('&&')[0].trim().split(/\s+/);
  const flags = new Map<string, string>(Object.entries(defaults));
  parts.forEach((p, k) => {
    if (!p.startsWith('--')) return;
    const next = parts[k + 1];
    flags.set(p.slice(2), next === undefined || next.startsWith('--') ? '' : next);
  });
  return flags;
}

/** The flags two commands set differently, as [flag, value in a, value in b], output flags and `ignore` left out. */
export function differingFlags(
  a: string, b: string, opts: { defaults?: Readonly<Record<string, string>>; ignore?: readonly string[] } = {},
): [string, string | undefined, string | undefined][] {
  const [fa, fb] = [commandFlags(a, opts.defaults), commandFlags(b, opts.defaults)];
  const skip = new Set<string>([...OUTPUT_FLAGS, ...(opts.ignore ?? [])]);
  return [...new Set([...fa.keys(), ...fb.keys()])].filter((k) => !skip.has(k) && fa.get(k) !== fb.get(k)).sort()
    .map((k) => [k, fa.get(k), fb.get(k)]);
}
