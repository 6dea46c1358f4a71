/**
 * `export hf`: one of our language models as a Hugging Face GPT-2 folder (src/hf/export.ts), the
 * way out to PyTorch: `GPT2LMHeadModel.from_pretrained(out)` loads it, and with it every tool
 * that trains on many GPUs (chapter 07, scripts/continue_training.py).
 */
import * as path from 'path';
import { initBackend } from '../../engine';
import { loadCheckpoint, readCheckpointJson } from '../../checkpoint';
import { check } from '../../errors';
import { exportGpt2, isHfFolder, lockGpt2Out } from '../../hf';
import { get } from '../args';
import { registerCommand } from '../commands';
import { samePath } from '../output';

registerCommand({
  name: 'export hf',
  summary: 'write a language model as a Hugging Face GPT-2 folder (transformers loads it with from_pretrained)',
  usage: 'literate-gpt export hf --checkpoint DIR --out DIR [--json]',
  flags: {
    checkpoint: { type: 'string', help: 'our language-model checkpoint folder' },
    out: { type: 'string', help: 'the folder to write: new or empty (config.json, model.safetensors, vocab.json, merges.txt, tokenizer_config.json)' },
  },
  async run({ flags, positional }) {
    check(positional.length === 0, `unexpected argument '${positional[0]}'`);
    const src = get.str(flags, 'checkpoint');
    const out = get.str(flags, 'out');
    check(src, '--checkpoint DIR is required');
    check(out, '--out DIR is required');
    // Compared by what they are (links followed; a bind mount or hard link by device and inode),
    // before the lock below creates anything in --out.
    check(!samePath(src, out), `--out ${out} is the --checkpoint folder (symbolic links followed): choose another`);
    // One writer per folder: --out is locked (created if new) and must be new or empty; a second
    // export into it is refused here, before any work. The lock is held until the command ends
    // (a folder it created is removed again if nothing was written there).
    lockGpt2Out(out);
    check(!isHfFolder(src), `${src}: already a Hugging Face folder`);
    const json = readCheckpointJson(src); // a wrong folder fails before tfjs starts
    check(json.kind !== 'classifier', `${src}: a classifier; GPT2LMHeadModel holds a language model only (export the LM it was fine-tuned from)`);
    check(json.kind === 'lm', `${src}: an image model; its tokens are pixel levels, which GPT-2's tokenizer files cannot hold`);
    await initBackend();
    const { model, tokenizer } = loadCheckpoint(src);
    try {
      check(tokenizer, `${src}: has no tokenizer to export`);
      const files = exportGpt2(model, tokenizer, out);
      return { out: path.resolve(out), parameters: model.numParams(), files, bytes: files.reduce((a, f) => a + f.bytes, 0) };
    } finally {
      model.dispose();
    }
  },
});
