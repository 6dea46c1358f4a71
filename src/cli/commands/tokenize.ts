/**
 * `literate-gpt tokenize`: text on stdin → token ids on stdout.
 *
 *   echo 'Hello world' | literate-gpt tokenize --encoding gpt2 --json   # {"ids":[15496,995,198],...}
 *   literate-gpt tokenize --tokenizer data/tokenizer.json --json < text.txt
 *
 * The text is taken exactly as given, trailing newline included: the ids are those of the bytes
 * on stdin. Special tokens such as <|endoftext|> are plain text unless --special is given.
 */
import { InputError } from '../../errors';
import { BpeTokenizer, gpt2Tokenizer } from '../../tokenize';
import { get } from '../args';
import { registerCommand } from '../commands';

/** Decode stdin strictly: a wrong encoding should be an error, not silent U+FFFD characters. A BOM is dropped. */
function decodeStdin(bytes: Uint8Array): string {
  if (bytes.length === 0) throw new InputError('no text on stdin (pipe the text to tokenize into the command)');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new InputError('the input is not valid UTF-8 (convert it first, e.g. with iconv -t UTF-8)');
  }
}

/** The most text tokenized in one call: the State of the Union corpus (10.8 MB) fits, /dev/zero does not. */
export const MAX_TOKENIZE_BYTES = 32 * 1024 * 1024;

registerCommand({
  name: 'tokenize',
  summary: 'encode text from stdin into token ids (GPT-2 or a saved BPE tokenizer)',
  usage: 'literate-gpt tokenize [--encoding gpt2 | --tokenizer PATH] [--special] [--json] < text',
  positionalHint: 'the text comes on stdin',
  flags: {
    encoding: { type: 'string', help: "a built-in encoding: 'gpt2' (default)", choices: ['gpt2'] },
    tokenizer: { type: 'string', help: 'a BpeTokenizer saved as JSON (BpeTokenizer.save)' },
    special: { type: 'boolean', help: 'encode special tokens written in the text (e.g. <|endoftext|>) as their ids' },
  },
  async run(args, ctx) {
    const encoding = get.str(args.flags, 'encoding');
    const path = get.str(args.flags, 'tokenizer');
    if (encoding !== undefined && path !== undefined) throw new InputError('give --encoding or --tokenizer, not both');
    if (args.positional.length > 0) throw new InputError(`unexpected argument '${args.positional[0]}' (the text comes on stdin)`);
    const raw = await ctx.readStdin(MAX_TOKENIZE_BYTES);
    const text = decodeStdin(raw);
    // After the cheap input checks: loading GPT-2's 50k ranks takes about a second.
    const tokenizer = path !== undefined ? BpeTokenizer.load(path) : gpt2Tokenizer();
    const ids = tokenizer.encode(text, { allowedSpecial: get.bool(args.flags, 'special') ? 'all' : 'none' });
    return { ids, count: ids.length, tokenizer: path ?? encoding ?? 'gpt2', bytes: raw.length };
  },
  format(result) {
    return (result.ids as number[]).join(' ');
  },
});
