#!/usr/bin/env python3
"""PyTorch reference for `literate-gpt bench`: the same GPT and the same training step.

The model is src/model/gpt.ts written in PyTorch: token + position embeddings, L pre-LayerNorm
blocks (causal self-attention computed as softmax(QKᵀ/√hs + M)V, then a 4× MLP with GPT-2's
tanh GELU), a final LayerNorm and logits through the tied token embedding, with dropout where
src/model has it (after the embeddings, on the attention weights, on both residual branches;
the presets' rates: 0 for pico and nano, 0.1 for micro and mini). One step is what
src/train/trainer.ts does: forward, cross-entropy, backward, clip the global gradient norm to 1,
AdamW (β 0.9/0.95, ε 1e-8, weight decay 0.1 on matmul weights only).

The anchor is the PyTorch a user installs today, a 2.x CPU build in the project's .venv
(`node scripts/setup-torch.js --install`); any torch ≥ 1.13 runs it. Three modes:

  .venv/bin/python bench/torch_nano.py --steps 20            # time 20 steps, print one JSON line
  .venv/bin/python bench/torch_nano.py --serve               # read "steps N" lines on stdin and
                                                             # answer each with one JSON line,
                                                             # so a caller can interleave runs
  .venv/bin/python bench/torch_nano.py --profile             # where one step's time goes
                                                             # (torch.profiler), as JSON
"""
import argparse
import re
import json
import math
import os
import sys
import time

PRESETS = {
    'pico': dict(block=16, layers=1, heads=2, embd=16, dropout=0.0),
    'nano': dict(block=128, layers=4, heads=4, embd=128, dropout=0.0),
    'micro': dict(block=256, layers=6, heads=6, embd=192, dropout=0.1),
    'mini': dict(block=256, layers=8, heads=8, embd=256, dropout=0.1),
}


def parse_args():
    ap = argparse.ArgumentParser()
    ap.add_argument('--preset', default='nano', choices=sorted(PRESETS))
    ap.add_argument('--vocab', type=int, default=65)
    ap.add_argument('--batch', type=int, default=32)
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--steps', type=int, default=20)
    ap.add_argument('--warmup', type=int, default=3)
    ap.add_argument('--serve', action='store_true')
    ap.add_argument('--profile', action='store_true', help='print where one step\'s time goes (torch.profiler), as JSON')
    return ap.parse_args()


ARGS = parse_args() if __name__ == '__main__' else None
if ARGS is not None:
    # Debian's torch calls the system BLAS (OpenBLAS), which has its own thread pool: give it
    # the same number of threads, set before torch loads it.
    for var in ('OPENBLAS_NUM_THREADS', 'OMP_NUM_THREADS', 'MKL_NUM_THREADS'):
        os.environ.setdefault(var, str(ARGS.threads))

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402


class Block(nn.Module):
    def __init__(self, C, nh, p=0.0):
        super().__init__()
        self.nh = nh
        # Dropout where src/model puts it (nanoGPT's places): attention weights, both residual branches.
        self.attn_drop = nn.Dropout(p)
        self.resid_drop = nn.Dropout(p)
        self.ln_1 = nn.LayerNorm(C, eps=1e-5)
        self.c_attn = nn.Linear(C, 3 * C)
        self.c_proj = nn.Linear(C, C)
        self.ln_2 = nn.LayerNorm(C, eps=1e-5)
        self.c_fc = nn.Linear(C, 4 * C)
        self.mlp_proj = nn.Linear(4 * C, C)

    def forward(self, x, mask):
        B, T, C = x.shape
        hs = C // self.nh
        q, k, v = self.c_attn(self.ln_1(x)).split(C, dim=2)
        q = q.view(B, T, self.nh, hs).transpose(1, 2)  # (B, nh, T, hs)
        k = k.view(B, T, self.nh, hs).transpose(1, 2)
        v = v.view(B, T, self.nh, hs).transpose(1, 2)
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(hs)) + mask[:T, :T]  # (B, nh, T, T)
        att = self.attn_drop(F.softmax(att, dim=-1))
        y = (att @ v).transpose(1, 2).contiguous().view(B, T, C)
        x = x + self.resid_drop(self.c_proj(y))
        x = x + self.resid_drop(self.mlp_proj(F.gelu(self.c_fc(self.ln_2(x)), approximate='tanh')))
        return x


class GPT(nn.Module):
    def __init__(self, V, block, layers, heads, embd, dropout=0.0):
        super().__init__()
        self.drop = nn.Dropout(dropout)
        self.wte = nn.Embedding(V, embd)
        self.wpe = nn.Embedding(block, embd)
        self.h = nn.ModuleList([Block(embd, heads, dropout) for _ in range(layers)])
        self.ln_f = nn.LayerNorm(embd, eps=1e-5)
        m = torch.triu(torch.full((block, block), -1e9), diagonal=1)
        self.register_buffer('mask', m)
        for p in self.parameters():
            if p.dim() == 2:
                nn.init.normal_(p, std=0.02)

    def forward(self, idx, targets):
        B, T = idx.shape
        x = self.drop(self.wte(idx) + self.wpe(torch.arange(T)))
        for blk in self.h:
            x = blk(x, self.mask)
        logits = self.ln_f(x) @ self.wte.weight.t()  # tied head, (B, T, V)
        return F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1))


def make(args):
    torch.manual_seed(0)
    p = PRESETS[args.preset]
    model = GPT(args.vocab, p['block'], p['layers'], p['heads'], p['embd'], p['dropout'])
    decay = [q for n, q in model.named_parameters() if q.dim() == 2 and not n.startswith(('wte', 'wpe'))]
    other = [q for n, q in model.named_parameters() if not (q.dim() == 2 and not n.startswith(('wte', 'wpe')))]
    opt = torch.optim.AdamW([{'params': decay, 'weight_decay': 0.1}, {'params': other, 'weight_decay': 0.0}],
                            lr=1e-3, betas=(0.9, 0.95), eps=1e-8)
    g = torch.Generator().manual_seed(1)
    x = torch.randint(0, args.vocab, (args.batch, p['block']), generator=g)
    y = torch.randint(0, args.vocab, (args.batch, p['block']), generator=g)
    return model, opt, x, y, p


def step(model, opt, x, y):
    loss = model(x, y)
    opt.zero_grad(set_to_none=True)
    loss.backward()
    with torch.profiler.record_function('clip'):
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    opt.step()
    return loss.item()


def timed(model, opt, x, y, n):
    """Wall and CPU milliseconds of n steps (CPU time is steadier on a busy machine)."""
    ms, cpu = [], []
    loss = float('nan')
    for _ in range(n):
        t0, c0 = time.perf_counter(), time.process_time()
        loss = step(model, opt, x, y)
        ms.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    return ms, cpu, loss


def kernels():
    """Which CPU kernels this torch calls: its BLAS, oneDNN (MKL-DNN) and the vector ISA it dispatches to."""
    cfg = torch.__config__.show()
    blas = re.search(r'BLAS_INFO=([^,\s]+)', cfg)
    isa = re.search(r'CPU capability usage: (\S+)', cfg)
    dnn = re.search(r'MKL-DNN v([\d.]+)', cfg)
    parts = ['BLAS ' + (blas.group(1) if blas else 'unknown')]
    if dnn and torch.backends.mkldnn.is_available():
        parts.append('oneDNN ' + dnn.group(1))
    if isa:
        parts.append(isa.group(1))
    return ', '.join(parts)


# The kinds of src/bench/profile.ts, from aten op names (self time of each op).
KIND_BY_OP = [
    (r'^aten::(mm|addmm)$', 'matmul'),
    (r'^aten::bmm$', 'batched matmul'),
    (r'nll_loss|log_softmax|cross_entropy', 'loss'),
    (r'softmax', 'softmax'),
    (r'layer_norm', 'layernorm'),
    (r'gelu', 'gelu'),
    (r'embedding|index_select|^aten::index', 'embedding'),
    (r'^aten::(view|reshape|transpose|t|permute|contiguous|clone|copy_|as_strided|split|split_with_sizes|'
     r'unsafe_split|cat|stack|slice|select|expand|unsqueeze|squeeze|_unsafe_view|empty|empty_like|zeros|'
     r'zeros_like|ones_like|fill_|zero_|detach|alias|to|_to_copy|resize_|arange|narrow|unbind|new_empty.*|'
     r'empty_strided|_reshape_alias)$', 'layout copies'),
]


def kind_of(name, ancestors):
    """The kind of one profiler event, by its name and the scopes it ran in."""
    for a in ancestors:
        if a.startswith('Optimizer.step'):
            return 'adamw'
        if a == 'clip':
            return 'clip+flatten'
    for pattern, kind in KIND_BY_OP:
        if re.search(pattern, name):
            return kind
    if name.startswith('autograd::') or name.startswith('torch::autograd::'):
        return 'gradient accumulation' if 'AccumulateGrad' in name else 'autograd engine'
    return 'elementwise'


def profile(model, opt, x, y, steps=3):
    """Self CPU time per kind and per matmul shape over `steps` steps, as ms per step."""
    from torch.profiler import ProfilerActivity, profile as tprofile
    with tprofile(activities=[ProfilerActivity.CPU], record_shapes=True) as prof:
        for _ in range(steps):
            step(model, opt, x, y)
    kinds, shapes, total = {}, {}, 0.0
    for e in prof.events():
        if e.name.startswith('ProfilerStep') or e.name in ('clip',) or e.name.startswith('Optimizer.'):
            continue
        ancestors, p = [], e.cpu_parent
        while p is not None:
            ancestors.append(p.name)
            p = p.cpu_parent
        ms = e.self_cpu_time_total / 1000 / steps
        k = kind_of(e.name, ancestors)
        kinds[k] = kinds.get(k, 0.0) + ms
        total += ms
        if k in ('matmul', 'batched matmul') and e.input_shapes:
            ins = [s for s in e.input_shapes if s]
            a, b = (ins[-2], ins[-1]) if len(ins) >= 2 else (None, None)
            if a is None:
                continue
            if len(a) == 3:
                desc, flops = f'{a[0]} × ({a[1]}×{a[2]} · {b[1]}×{b[2]})', 2 * a[0] * a[1] * a[2] * b[2]
            else:
                desc, flops = f'{a[0]}×{a[1]} · {b[0]}×{b[1]}', 2 * a[0] * a[1] * b[1]
            d = shapes.setdefault(desc, dict(kind=k, shape=desc, calls=0, ms=0.0, flops=flops))
            d['calls'] += 1 / steps
            d['ms'] += ms
    mats = []
    for d in shapes.values():
        gf = d['flops'] * d['calls'] / 1e9
        mats.append(dict(kind=d['kind'], shape=d['shape'], calls=round(d['calls']), ms=d['ms'], gflops=gf,
                         gflopPerSecond=gf / (d['ms'] / 1000) if d['ms'] > 0 else 0))
    mats.sort(key=lambda m: -m['ms'])
    return dict(byKind=kinds, opMs=total, matmuls=mats, events=len(prof.events()) // steps)


def main():
    args = ARGS
    torch.set_num_threads(args.threads)
    model, opt, x, y, p = make(args)
    tokens = args.batch * p['block']
    head = dict(torch=torch.__version__, threads=torch.get_num_threads(), preset=args.preset, batch=args.batch,
                tokensPerStep=tokens, params=sum(q.numel() for q in model.parameters()), kernels=kernels())
    timed(model, opt, x, y, args.warmup)
    if args.profile:
        ms, _, _ = timed(model, opt, x, y, 5)
        med = sorted(ms)[len(ms) // 2]
        print(json.dumps(dict(head, stepMs=med, **profile(model, opt, x, y))))
        return
    if not args.serve:
        ms, cpu, loss = timed(model, opt, x, y, args.steps)
        med = sorted(ms)[len(ms) // 2]
        print(json.dumps(dict(head, stepMs=ms, cpuMs=cpu, medianStepMs=med, tokensPerSecond=tokens / (med / 1000), loss=loss)))
        return
    print(json.dumps(dict(head, ready=True)), flush=True)
    for line in sys.stdin:
        cmd = line.split()
        if not cmd or cmd[0] == 'quit':
            break
        ms, cpu, loss = timed(model, opt, x, y, int(cmd[1]))
        print(json.dumps(dict(stepMs=ms, cpuMs=cpu, loss=loss)), flush=True)


if __name__ == '__main__':
    main()
