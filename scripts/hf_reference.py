"""The reference side of the Hugging Face parity tests (test/hf.test.ts): PyTorch + transformers.

  python scripts/hf_reference.py random OUT [--layers 2 --heads 2 --embd 32 --vocab 101 --positions 16 --seed 0]
      builds a GPT2LMHeadModel with random weights (biases and LayerNorms too, so that every
      tensor's mapping is tested) and saves it with save_pretrained; `--gpt2-small` makes the
      full-size GPT-2 small instead (124,439,808 parameters), the stand-in for the released weights.
  python scripts/hf_reference.py run < request.json
      request: {"dir": ..., "ids": [[...]], "greedy": {"prompt": [...], "tokens": N}, "text": "..."};
      prints {"logits": [[[...]]], "greedy": [...], "ids": [...]} for what was asked, from
      GPT2LMHeadModel.from_pretrained(dir) and AutoTokenizer.from_pretrained(dir).

CPU only, one thread, float32, eager attention: the arithmetic closest to ours.
"""
import argparse
import json
import sys

import torch
from transformers import AutoTokenizer, GPT2Config, GPT2LMHeadModel

torch.set_num_threads(1)


def random_model(args):
    torch.manual_seed(args.seed)
    if args.gpt2_small:
        config = GPT2Config()  # GPT-2 small: vocab 50257, 1024 positions, 12 layers, 12 heads, 768 wide
    else:
        config = GPT2Config(vocab_size=args.vocab, n_positions=args.positions, n_embd=args.embd,
                            n_layer=args.layers, n_head=args.heads, bos_token_id=args.vocab - 1, eos_token_id=args.vocab - 1)
    model = GPT2LMHeadModel(config).eval()
    if not args.gpt2_small:
        with torch.no_grad():
            for name, p in model.named_parameters():
                if p.dim() == 1:  # biases 0 and LayerNorm weights 1 at init: make them tell apart
                    p.add_(torch.randn_like(p) * 0.1)
    model.save_pretrained(args.out)
    print(json.dumps({"dir": args.out, "parameters": sum(p.numel() for p in model.parameters())}))


def run(request):
    out = {}
    model = GPT2LMHeadModel.from_pretrained(request["dir"], attn_implementation="eager").eval()
    with torch.no_grad():
        if "ids" in request:
            out["logits"] = model(torch.tensor(request["ids"])).logits.tolist()
        if "greedy" in request:
            g = request["greedy"]
            prompt = torch.tensor([g["prompt"]])
            gen = model.generate(prompt, attention_mask=torch.ones_like(prompt), max_new_tokens=g["tokens"],
                                 do_sample=False, pad_token_id=0)
            out["greedy"] = gen[0, prompt.shape[1]:].tolist()
    if "text" in request:
        tok = AutoTokenizer.from_pretrained(request["dir"])
        out["ids"] = tok(request["text"], add_special_tokens=False)["input_ids"]
        out["tokenizerClass"] = type(tok).__name__
    return out


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("random")
    r.add_argument("out")
    r.add_argument("--layers", type=int, default=2)
    r.add_argument("--heads", type=int, default=2)
    r.add_argument("--embd", type=int, default=32)
    r.add_argument("--vocab", type=int, default=101)
    r.add_argument("--positions", type=int, default=16)
    r.add_argument("--seed", type=int, default=0)
    r.add_argument("--gpt2-small", action="store_true")
    sub.add_parser("run")
    args = p.parse_args()
    if args.cmd == "random":
        random_model(args)
    else:
        print(json.dumps(run(json.load(sys.stdin))))


if __name__ == "__main__":
    main()
