"""PyTorch reference for bench/trainer: the same models as the tfjs trainer, trained on the CPU.

GPT: nanoGPT's structure (token + learned position embeddings, pre-norm blocks with biases,
causal self-attention, GELU-tanh MLP of 4x width, final LayerNorm, readout tied to the token
embedding), AdamW (0.9, 0.95, 1e-8, weight decay 0.1 on matrices) with global-norm clipping at 1,
byte vocabulary 256. MLP: 784 -> w -> w -> 10 with ReLU and Adam, batch 128.

Tokens and images are random (throughput does not depend on the values). Prints one JSON line:
{"rate": items/s, "cpu_rate": items per CPU-second, "steps": n, "wall_s": s, "cpu_s": s}.
"""

import argparse
import json
import math
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class Block(nn.Module):
    def __init__(self, c: int, heads: int):
        super().__init__()
        self.heads = heads
        self.ln1 = nn.LayerNorm(c)
        self.qkv = nn.Linear(c, 3 * c)
        self.proj = nn.Linear(c, c)
        self.ln2 = nn.LayerNorm(c)
        self.fc = nn.Linear(c, 4 * c)
        self.out = nn.Linear(4 * c, c)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, t, c = x.shape
        q, k, v = self.qkv(self.ln1(x)).split(c, dim=2)
        shape = (b, t, self.heads, c // self.heads)
        q, k, v = (z.view(shape).transpose(1, 2) for z in (q, k, v))
        y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        x = x + self.proj(y.transpose(1, 2).reshape(b, t, c))
        return x + self.out(F.gelu(self.fc(self.ln2(x)), approximate="tanh"))


class Gpt(nn.Module):
    def __init__(self, width: int, depth: int, heads: int, context: int, vocab: int = 256):
        super().__init__()
        self.wte = nn.Embedding(vocab, width)
        self.wpe = nn.Embedding(context, width)
        self.blocks = nn.ModuleList(Block(width, heads) for _ in range(depth))
        self.lnf = nn.LayerNorm(width)
        for p in self.parameters():
            if p.dim() == 2:
                nn.init.normal_(p, std=0.02)

    def forward(self, idx: torch.Tensor) -> torch.Tensor:
        t = idx.shape[1]
        x = self.wte(idx) + self.wpe(torch.arange(t))
        for blk in self.blocks:
            x = blk(x)
        return self.lnf(x) @ self.wte.weight.T  # tied readout


def gpt_step_fn(args):
    model = Gpt(args.width, args.depth, args.heads, args.context)
    decay = [p for p in model.parameters() if p.dim() == 2 and p is not model.wte.weight and p is not model.wpe.weight]
    rest = [p for p in model.parameters() if not any(p is d for d in decay)]
    opt = torch.optim.AdamW(
        [{"params": decay, "weight_decay": 0.1}, {"params": rest, "weight_decay": 0.0}],
        lr=3e-4, betas=(0.9, 0.95), eps=1e-8, foreach=True,
    )
    gen = torch.Generator().manual_seed(1)

    def step():
        data = torch.randint(0, 256, (args.batch, args.context + 1), generator=gen)
        x, y = data[:, :-1], data[:, 1:]
        logits = model(x)
        loss = F.cross_entropy(logits.reshape(-1, 256), y.reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        return loss.item()

    return step, args.batch * args.context


def mlp_step_fn(args):
    model = nn.Sequential(nn.Linear(784, args.width), nn.ReLU(), nn.Linear(args.width, args.width), nn.ReLU(), nn.Linear(args.width, 10))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
    gen = torch.Generator().manual_seed(1)

    def step():
        x = torch.rand(args.batch, 784, generator=gen)
        y = torch.randint(0, 10, (args.batch,), generator=gen)
        loss = F.cross_entropy(model(x), y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        return loss.item()

    return step, args.batch


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", choices=["gpt", "mlp"], required=True)
    ap.add_argument("--width", type=int, required=True)
    ap.add_argument("--depth", type=int, default=1)
    ap.add_argument("--heads", type=int, default=1)
    ap.add_argument("--context", type=int, default=128)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--seconds", type=float, default=2.0)
    ap.add_argument("--max-steps", type=int, default=0, help="0: calibrate to --seconds")
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    step, items = (gpt_step_fn if args.model == "gpt" else mlp_step_fn)(args)
    # Warm-up as in lm.ts: two steps (allocations, kernel selection), the second sizing the run.
    if not args.max_steps:
        step()
    t0 = time.perf_counter()
    loss = step()
    warm = time.perf_counter() - t0
    if not math.isfinite(loss):
        raise SystemExit("warm-up loss is not finite")
    steps = args.max_steps or max(3, min(10_000, round(args.seconds / max(warm, 1e-4))))
    w0, c0 = time.perf_counter(), time.process_time()
    for _ in range(steps):
        step()
    wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    print(json.dumps({"rate": steps * items / wall, "cpu_rate": steps * items / max(cpu, 1e-9), "steps": steps, "wall_s": wall, "cpu_s": cpu}))


if __name__ == "__main__":
    main()
