// `literate-gpt tokenize`, run as a user runs it: a child process, text on stdin.
import { strict as assert } from 'assert';
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BpeTokenizer } from '../src/tokenize';

const root = path.join(__dirname, '..');

function cli(args: string[], input: string | Buffer): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['bin/literate-gpt.js', 'tokenize', ...args], {
    cwd: root, input, encoding: 'utf8', env: { ...process.env, LGPT_FROM_SOURCE: '1' }, timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The same, without blocking: the error cases run side by side (each start costs ~2 s). */
function cliAsync(args: string[], input: string | Buffer): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/literate-gpt.js', 'tokenize', ...args], {
      cwd: root, env: { ...process.env, LGPT_FROM_SOURCE: '1' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString('utf8'); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString('utf8'); });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
    child.stdin.end(input);
  });
}

describe('tokenize: CLI', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lgpt-tok-cli-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('prints GPT-2 ids of stdin as one JSON object', () => {
    const r = cli(['--encoding', 'gpt2', '--json'], 'Hello world 猫\n');
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { ids: number[]; count: number };
    assert.deepEqual(out.ids.slice(0, 2), [15496, 995]);
    assert.equal(out.count, out.ids.length);
    assert.equal(out.ids[out.ids.length - 1], 198); // the trailing newline is part of the text
  });

  it('uses a saved tokenizer with --tokenizer, and --special for <|endoftext|>', () => {
    const tok = BpeTokenizer.train('the cat sat on the mat. '.repeat(20), 270, { specialTokens: ['<|endoftext|>'] });
    const file = path.join(dir, 'tok.json');
    tok.save(file);
    const text = 'the cat<|endoftext|>the mat';
    const r = cli(['--tokenizer', file, '--special', '--json'], text);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual((JSON.parse(r.stdout) as { ids: number[] }).ids, tok.encode(text, { allowedSpecial: 'all' }));
  });

  it('exits with 2 and one line on stderr for bad input', async () => {
    const bad = path.join(dir, 'bad.json');
    fs.writeFileSync(bad, '{"format":"literate-gpt-bpe","version":1}');
    const cases: [string[], string | Buffer, RegExp][] = [
      [['--json'], '', /no text on stdin/],
      [['--json'], Buffer.from([0x68, 0x69, 0xff, 0xfe]), /not valid UTF-8/],
      [['--tokenizer', bad, '--json'], 'hi', /bad\.json: invalid BPE tokenizer: pattern/],
      [['--encoding', 'gpt2', '--tokenizer', bad], 'hi', /not both/],
    ];
    const results = await Promise.all(cases.map(([args, input]) => cliAsync(args, input)));
    for (const [i, [args, , re]] of cases.entries()) {
      const r = results[i];
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, re);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.equal(r.stdout, '');
    }
  });
});
