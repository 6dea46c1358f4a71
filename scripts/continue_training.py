"""Continue training an exported literate-gpt model in PyTorch, on one CPU or many GPUs.

The way out of TensorFlow.js (chapter 07): `literate-gpt export hf` writes a Hugging Face GPT-2
folder; this script loads it with transformers, trains it on a text file and saves it the same
way, so `literate-gpt sample lm --checkpoint OUT` (and lg.loadGpt2) read the result back.

  # one process (CPU, or one GPU when there is one)
  python scripts/continue_training.py --model out/lm-hf --text corpus.txt --steps 200 --out out/lm-hf-more
  # 8 GPUs on one machine: the same script under torchrun, data-parallel (DDP)
  torchrun --nproc_per_node 8 scripts/continue_training.py --model out/lm-hf --text corpus.txt --steps 200 --out out/lm-hf-more

Under torchrun every process holds the whole model, draws its own batches (seeded by its rank)
and DistributedDataParallel averages the gradients, so the global batch is batch x processes.
Prints one JSON line per logged step and a summary line at the end.
"""
import argparse
import json
import math
import os
import time

import torch
from transformers import AutoTokenizer, GPT2LMHeadModel


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--model", required=True, help="a Hugging Face GPT-2 folder (literate-gpt export hf --out)")
    p.add_argument("--text", required=True, help="a UTF-8 text file to train on")
    p.add_argument("--out", required=True, help="where to save the trained model (save_pretrained)")
    p.add_argument("--steps", type=int, default=100)
    p.add_argument("--batch", type=int, default=16, help="sequences per process and step")
    p.add_argument("--block", type=int, default=0, help="tokens per sequence (default: the model's context)")
    p.add_argument("--lr", type=float, default=3e-4)
    p.add_argument("--warmup", type=int, default=10)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=0, help="CPU threads (default: torch's choice)")
    p.add_argument("--log-every", type=int, default=10)
    return p.parse_args()


def main():
    args = parse_args()
    distributed = "LOCAL_RANK" in os.environ  # set by torchrun
    rank, world = 0, 1
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if distributed:
        torch.distributed.init_process_group("nccl" if device.type == "cuda" else "gloo")
        rank, world = torch.distributed.get_rank(), torch.distributed.get_world_size()
        if device.type == "cuda":
            device = torch.device("cuda", int(os.environ["LOCAL_RANK"]))
            torch.cuda.set_device(device)
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed + rank)

    tokenizer = AutoTokenizer.from_pretrained(args.model)
    model = GPT2LMHeadModel.from_pretrained(args.model).to(device)
    block = args.block or model.config.n_positions
    with open(args.text, encoding="utf-8") as f:
        data = torch.tensor(tokenizer(f.read(), add_special_tokens=False)["input_ids"], dtype=torch.long)
    if len(data) <= block + 1:
        raise SystemExit(f"{args.text}: {len(data)} tokens, fewer than one sequence of {block + 1}")

    train_model = torch.nn.parallel.DistributedDataParallel(model) if distributed else model
    # AdamW with weight decay on the matrices only, as our trainer (src/train/adamw.ts) does.
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2 and "wte" not in n and "wpe" not in n]
    rest = [p for n, p in model.named_parameters() if not (p.dim() >= 2 and "wte" not in n and "wpe" not in n)]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": rest, "weight_decay": 0.0}],
                            lr=args.lr, betas=(0.9, 0.95))

    def lr_at(step):  # linear warmup, then cosine to a tenth
        if step < args.warmup:
            return args.lr * (step + 1) / args.warmup
        t = (step - args.warmup) / max(1, args.steps - args.warmup)
        return args.lr * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * t)))

    train_model.train()
    t0 = time.time()
    losses = []
    for step in range(args.steps):
        starts = torch.randint(0, len(data) - block - 1, (args.batch,))
        x = torch.stack([data[s:s + block] for s in starts]).to(device)
        for g in opt.param_groups:
            g["lr"] = lr_at(step)
        loss = train_model(input_ids=x, labels=x).loss  # transformers shifts the labels itself
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        losses.append(loss.item())
        if rank == 0 and (step % args.log_every == 0 or step == args.steps - 1):
            print(json.dumps({"step": step, "loss": round(losses[-1], 4), "lr": lr_at(step)}), flush=True)
    secs = time.time() - t0
    if rank == 0:
        model.save_pretrained(args.out)
        tokenizer.save_pretrained(args.out)
        print(json.dumps({"steps": args.steps, "firstLoss": losses[0], "lastLoss": losses[-1], "processes": world,
                          "tokensPerSecond": args.steps * args.batch * block * world / secs, "device": device.type,
                          "out": os.path.abspath(args.out)}), flush=True)
    if distributed:
        torch.distributed.destroy_process_group()


if __name__ == "__main__":
    main()
