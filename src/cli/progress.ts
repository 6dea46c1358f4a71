/**
 * A one-line progress bar for long work on a terminal (stderr): bar, step, loss, tokens/s, ETA.
 * On a non-terminal (CI logs, pipes) it prints a plain line every `every` updates instead.
 */
export class ProgressBar {
  private lastDraw = 0;
  private count = 0;
  private readonly start = Date.now();
  private readonly tty: boolean;

  constructor(private total: number, private readonly label = '', private readonly every = 50, private readonly stream: NodeJS.WriteStream = process.stderr) {
    this.tty = Boolean(stream.isTTY);
  }

  /** The total can change (a time budget's step estimate is refined as training runs). */
  setTotal(total: number): void {
    this.total = total;
  }

  update(done: number, fields: Record<string, string | number>): void {
    this.count += 1;
    const now = Date.now();
    const info = Object.entries(fields).map(([k, v]) => `${k} ${typeof v === 'number' ? fmt(v) : v}`).join(' · ');
    const frac = Math.min(1, done / Math.max(1, this.total));
    const elapsed = (now - this.start) / 1000;
    const eta = frac > 0 ? elapsed * (1 - frac) / frac : 0;
    if (this.tty) {
      if (now - this.lastDraw < 200 && done < this.total) return;
      this.lastDraw = now;
      const width = 24;
      const bar = '█'.repeat(Math.round(frac * width)).padEnd(width, '·');
      this.stream.write(`\r${this.label}${bar} ${done}/${this.total} · ${info} · ETA ${clock(eta)}\x1b[K`);
    } else if (this.count % this.every === 1 || done >= this.total) {
      this.stream.write(`${this.label}${done}/${this.total} · ${info} · ${clock(elapsed)} elapsed, ETA ${clock(eta)}\n`);
    }
  }

  /** Print a line above the bar (evaluation results, notes). */
  note(line: string): void {
    this.stream.write(this.tty ? `\r${line}\x1b[K\n` : `${line}\n`);
  }

  done(): void {
    if (this.tty) this.stream.write('\n');
  }
}

function fmt(v: number): string {
  if (Number.isInteger(v)) return v.toLocaleString('en');
  return Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(3);
}

function clock(s: number): string {
  if (!Number.isFinite(s)) return '?';
  const m = Math.floor(s / 60);
  const sec = Math.round(s % 60);
  return m >= 60 ? `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m` : `${m}:${String(sec).padStart(2, '0')}`;
}
