"""A NumPy MLP on Fashion-MNIST, run by Scaling Lab's `process` plugin (examples/process-numpy.yaml).

The model is the tfjs trainer's `mlp` (784 → width → width → 10, ReLU, softmax cross-entropy, Adam):
the same family, trained by a separate program. It reads its trial with `slab_trainer.current()`,
trains on D = config.data samples in a seeded order, logs train_loss every logEvery steps, evaluates
every evalEvery steps, and checkpoints every checkpointEvery steps (weights, Adam moments and the
step, written atomically). A retried attempt resumes from the checkpoint it is handed and replays
exactly the same batches, so its curve continues where the killed attempt's stopped.

Trainer settings (task.options): batchSize (32), evalSize (2000), dataDir (the directory holding
the IDX files; default SLAB_FASHION_MNIST_DIR or /usr/share/datasets/fashion-mnist).
"""

from __future__ import annotations

import gzip
import math
import os
import struct
import sys
from pathlib import Path
from typing import Dict, List, Tuple

# Proxy models are tiny and a worker runs one trial per core: a multi-threaded BLAS only contends
# (measured 28x slower on a busy 2-core machine). Set before NumPy loads its BLAS.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402

import slab_trainer

DEFAULT_DATA_DIR = "/usr/share/datasets/fashion-mnist"
KEEP_CHECKPOINTS = 5
Params = Dict[str, np.ndarray]


def read_idx(path: Path) -> np.ndarray:
    """An IDX file (plain or .gz) as an array of its stored shape (LeCun's MNIST format)."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as f:
        raw = f.read()
    zero, dtype, ndim = struct.unpack(">HBB", raw[:4])
    if zero != 0 or dtype != 0x08:
        raise ValueError(f"{path}: not an unsigned-byte IDX file")
    shape = struct.unpack(f">{ndim}I", raw[4 : 4 + 4 * ndim])
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(shape)


def find_idx(root: Path, stem: str) -> Path:
    for name in (stem, f"{stem}.gz"):
        if (root / name).exists():
            return root / name
    raise FileNotFoundError(f"{root / stem}(.gz) not found: install dataset-fashion-mnist or set task.options.dataDir")


def load_split(root: Path, prefix: str) -> Tuple[np.ndarray, np.ndarray]:
    """Images as uint8 rows of 784 pixels (scaled to [0, 1] per batch), labels as int64."""
    x = read_idx(find_idx(root, f"{prefix}-images-idx3-ubyte")).reshape(-1, 784)
    y = read_idx(find_idx(root, f"{prefix}-labels-idx1-ubyte")).astype(np.int64)
    return x, y


def pixels(x: np.ndarray) -> np.ndarray:
    return x.astype(np.float32) / 255.0


def param_count(width: int) -> int:
    return 784 * width + width + width * width + width + 10 * width + 10


def width_for(params: float) -> int:
    """The width whose MLP has about `params` parameters (w² + 796w + 10 = N)."""
    return max(1, round((-796 + math.sqrt(796**2 - 4 * (10 - params))) / 2))


def init(width: int, rng: np.random.Generator) -> Params:
    """Glorot-uniform weights, zero biases (the tfjs defaults)."""
    p: Params = {}
    for i, (fan_in, fan_out) in enumerate(((784, width), (width, width), (width, 10))):
        limit = math.sqrt(6.0 / (fan_in + fan_out))
        p[f"w{i}"] = rng.uniform(-limit, limit, (fan_in, fan_out)).astype(np.float32)
        p[f"b{i}"] = np.zeros(fan_out, dtype=np.float32)
    return p


def forward(p: Params, x: np.ndarray) -> Tuple[np.ndarray, List[np.ndarray]]:
    h1 = np.maximum(x @ p["w0"] + p["b0"], 0)
    h2 = np.maximum(h1 @ p["w1"] + p["b1"], 0)
    return h2 @ p["w2"] + p["b2"], [x, h1, h2]


def loss_and_probs(logits: np.ndarray, y: np.ndarray) -> Tuple[float, np.ndarray]:
    z = logits - logits.max(axis=1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    return float(-logp[np.arange(len(y)), y].mean()), np.exp(logp)


def gradients(p: Params, acts: List[np.ndarray], probs: np.ndarray, y: np.ndarray) -> Params:
    x, h1, h2 = acts
    d = probs.copy()
    d[np.arange(len(y)), y] -= 1
    d /= len(y)
    g: Params = {"w2": h2.T @ d, "b2": d.sum(0)}
    d = (d @ p["w2"].T) * (h2 > 0)
    g["w1"], g["b1"] = h1.T @ d, d.sum(0)
    d = (d @ p["w1"].T) * (h1 > 0)
    g["w0"], g["b0"] = x.T @ d, d.sum(0)
    return g


def adam(p: Params, g: Params, m: Params, v: Params, t: int, lr: float, b1=0.9, b2=0.999, eps=1e-7) -> None:
    for k in p:
        m[k] = b1 * m[k] + (1 - b1) * g[k]
        v[k] = b2 * v[k] + (1 - b2) * g[k] ** 2
        p[k] -= (lr * (m[k] / (1 - b1**t)) / (np.sqrt(v[k] / (1 - b2**t)) + eps)).astype(np.float32)


def evaluate(p: Params, x: np.ndarray, y: np.ndarray) -> Tuple[float, float]:
    logits, _ = forward(p, x)
    loss, probs = loss_and_probs(logits, y)
    return loss, float((probs.argmax(1) == y).mean())


def save(path: Path, step: int, p: Params, m: Params, v: Params) -> Path:
    """Writes the checkpoint atomically: a kill mid-write leaves the previous one intact."""
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as f:
        np.savez(f, step=step, **p, **{f"m_{k}": a for k, a in m.items()}, **{f"v_{k}": a for k, a in v.items()})
    os.replace(tmp, path)
    return path


def load(path: Path) -> Tuple[int, Params, Params, Params]:
    with np.load(path) as z:
        keys = [k for k in z.files if k != "step" and not k.startswith(("m_", "v_"))]
        return int(z["step"]), {k: z[k] for k in keys}, {k: z[f"m_{k}"] for k in keys}, {k: z[f"v_{k}"] for k in keys}


def main() -> None:
    trial = slab_trainer.current()
    cfg, opts = trial.config, trial.options
    if trial.task.get("dataset") != "fashion-mnist" or trial.task.get("model") != "mlp":
        trial.invalid_config(f"this trainer trains model mlp on dataset fashion-mnist, got {trial.task}")
    width = int(cfg["width"]) if "width" in cfg else width_for(cfg["params"]) if "params" in cfg else 0
    batch = int(opts.get("batchSize", 32))
    eval_size = int(opts.get("evalSize", 2000))
    lr = float(cfg.get("learningRate", 1e-3))
    data = trial.data
    if width < 1 or batch < 1 or not data or data < 1 or not 1 <= eval_size <= 10_000:
        trial.invalid_config(f"expected width ≥ 1, batchSize ≥ 1, data ≥ 1 and 1 ≤ evalSize ≤ 10000; got width={width}, batchSize={batch}, data={data}, evalSize={eval_size}")

    root = Path(opts.get("dataDir") or os.environ.get("SLAB_FASHION_MNIST_DIR") or DEFAULT_DATA_DIR)
    x_train, y_train = load_split(root, "train")
    x_test, y_test = load_split(root, "t10k")
    x_eval, y_eval = pixels(x_test[:eval_size]), y_test[:eval_size]

    n = param_count(width)
    steps = math.ceil(data / batch)
    # Counted from layer shapes: 2 FLOPs per multiply-add forward, 4 backward, per training sample.
    macs = 784 * width + width * width + width * 10
    trial.count(params=n, data=data, flops=6 * macs * data)

    rng = np.random.default_rng(trial.seed)
    order = np.concatenate([rng.permutation(len(x_train)) for _ in range(math.ceil(data / len(x_train)))])[:data]
    params = init(width, rng)
    m = {k: np.zeros_like(a) for k, a in params.items()}
    v = {k: np.zeros_like(a) for k, a in params.items()}
    start = 0
    if trial.resume_checkpoint is not None:
        start, params, m, v = load(trial.resume_checkpoint)
        print(f"resumed from {trial.resume_checkpoint} at step {start}", flush=True)
    print(f"trial {trial.trial_id} attempt {trial.attempt}: width {width} (N={n}), D={data}, {steps} steps of {batch}", flush=True)

    eval_loss = eval_acc = float("nan")
    for step in range(start + 1, steps + 1):
        idx = order[(step - 1) * batch : step * batch]
        logits, acts = forward(params, pixels(x_train[idx]))
        loss, probs = loss_and_probs(logits, y_train[idx])
        if not math.isfinite(loss):
            trial.log(step, train_loss=loss)
            trial.diverged(step, f"train_loss is {loss} at step {step}")
        adam(params, gradients(params, acts, probs, y_train[idx]), m, v, step, lr)
        metrics = {"train_loss": loss} if step % trial.log_every == 0 or step == steps else {}
        if step % trial.eval_every == 0 or step == steps:
            eval_loss, eval_acc = evaluate(params, x_eval, y_eval)
            metrics.update(eval_loss=eval_loss, eval_accuracy=eval_acc)
        if metrics:
            trial.log(step, **metrics)
        if step % trial.checkpoint_every == 0 and step < steps:
            path = save(trial.checkpoint_dir / f"ckpt-{step}.npz", step, params, m, v)
            trial.checkpoint(step, path)
            # Keep a few: the worker may read this report a little after newer ones are written.
            stale = trial.checkpoint_dir / f"ckpt-{step - KEEP_CHECKPOINTS * trial.checkpoint_every}.npz"
            stale.unlink(missing_ok=True)
    trial.finish(eval_loss=eval_loss, eval_accuracy=eval_acc, train_loss=loss, step=steps)
    # A finished trial is never resumed: free the disk.
    for old in trial.checkpoint_dir.glob("ckpt-*.npz"):
        old.unlink(missing_ok=True)


if __name__ == "__main__":
    sys.exit(main())
