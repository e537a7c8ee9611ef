"""Scaling Lab trainer helper: report a training run to the ``process`` plugin of a Scaling Lab worker.

Standard library only, so it runs wherever the training script runs. The worker starts the script once
per trial attempt; the script reads its trial with :func:`current` and reports on file descriptor 3 with
one JSON object per line (docs/trainer-protocol.md). stdout and stderr stay the script's own logs.

    trial = slab_trainer.current()
    state = load(trial.resume_checkpoint) if trial.resume_checkpoint else init(trial.config)
    for step in range(trial.resume_step + 1, steps + 1):
        loss = train_step(state)
        trial.log(step, train_loss=loss)
        if step % trial.checkpoint_every == 0:
            path = save(state, trial.checkpoint_dir / f"ckpt-{step}.npz")
            trial.checkpoint(step, path)
    trial.finish(eval_loss=evaluate(state), params=n_params)
"""

from __future__ import annotations

import json
import math
import operator
import os
import sys
import threading
import time
from pathlib import Path
from typing import IO, Any, Dict, Mapping, NoReturn, Optional, Union

__all__ = [
    "EXIT_DIVERGED",
    "EXIT_INVALID_CONFIG",
    "NotUnderWorker",
    "Trial",
    "current",
]

#: Exit code of a run whose loss became NaN/inf: the trial is ``diverged`` (a result, not retried).
EXIT_DIVERGED = 3
#: Exit code of a run whose settings can never work (sysexits EX_CONFIG): failed, not retried.
EXIT_INVALID_CONFIG = 78
#: Any other non-zero exit code (or a signal) fails the attempt, and the worker retries it.

Number = Union[int, float]


class NotUnderWorker(RuntimeError):
    """The script was not started by a Scaling Lab worker (``SLAB_TRIAL_FILE`` is not set)."""


def _value(name: str, value: Any) -> Union[float, str]:
    """A metric value as JSON: finite numbers as numbers, NaN/inf as the strings the protocol reads."""
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise TypeError(f"metric {name}: expected a number, got {value!r}") from None
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    return x


def _count(name: str, value: Optional[Number]) -> Optional[float]:
    if value is None:
        return None
    x = float(value)
    if not math.isfinite(x) or x < 0:
        raise ValueError(f"{name}: expected a finite number >= 0, got {value!r}")
    return int(x) if x.is_integer() and abs(x) < 2**53 else x


class Trial:
    """One attempt of one trial: what to train, where to checkpoint, and the report channel.

    Attributes:
        trial_id, sweep_id: ids of the trial and its sweep.
        attempt: 1 for the first attempt, 2 for the first retry, ...
        config: the trial's point in the sweep (``width`` or ``params``, ``data``, ``learningRate``, ``seed``, ...).
        params: parameter count N asked for, or None when the sweep varies ``width``.
        data: training samples (or tokens) to see, D.
        seed: ``config.seed``, 0 when the sweep does not vary it.
        options: the trainer's own settings (``task.options`` without the plugin's keys).
        task: ``{"dataset": ..., "model": ...}`` from the spec.
        log_every, eval_every, checkpoint_every: the spec's ``trial`` cadence, in steps.
        checkpoint_dir: directory for checkpoints, shared by the trial's attempts on this machine.
        resume_step: step of the checkpoint to resume from (0: start fresh).
        resume_checkpoint: path of that checkpoint, or None.
    """

    def __init__(self, document: Mapping[str, Any], report: IO[str]):
        self._doc = dict(document)
        self._report = report
        self._lock = threading.Lock()
        self.trial_id: str = document["trialId"]
        self.sweep_id: str = document["sweepId"]
        self.attempt: int = int(document.get("attempt", 1))
        self.config: Dict[str, Any] = dict(document.get("config") or {})
        self.params: Optional[int] = document.get("params")
        self.data: Optional[int] = document.get("data")
        self.seed: int = int(document.get("seed") or 0)
        self.options: Dict[str, Any] = dict(document.get("options") or {})
        self.task: Dict[str, Any] = dict(document.get("task") or {})
        self.log_every: int = int(document.get("logEvery", 10))
        self.eval_every: int = int(document.get("evalEvery", 100))
        self.checkpoint_every: int = int(document.get("checkpointEvery", 50))
        self.checkpoint_dir = Path(document["checkpointDir"])
        resume = document.get("resume")
        self.resume_step: int = int(resume["step"]) if resume else 0
        self.resume_checkpoint: Optional[Path] = Path(resume["checkpoint"]) if resume else None

    # -- reports ------------------------------------------------------------------------------

    def _send(self, message: Mapping[str, Any]) -> None:
        line = json.dumps(message, separators=(",", ":"), allow_nan=False) + "\n"
        with self._lock:
            try:
                self._report.write(line)
                self._report.flush()
            except (BrokenPipeError, ValueError, OSError):
                _worker_gone("the report channel (fd 3) is closed")

    def log(self, step: int, **metrics: Number) -> None:
        """Records metric points at ``step``, e.g. ``trial.log(120, train_loss=0.52)``. NaN/inf are allowed."""
        if not metrics:
            raise TypeError("log: expected at least one metric, e.g. trial.log(step, train_loss=0.5)")
        values = {name: _value(name, v) for name, v in metrics.items()}
        self._send({"type": "metrics", "step": _step(step), "values": values})

    def progress(self, step: int) -> None:
        """Says the run is alive at ``step`` (resets the worker's progress timeout); no checkpoint implied."""
        self._send({"type": "progress", "step": _step(step)})

    def checkpoint(self, step: int, path: Union[str, "os.PathLike[str]", None] = None) -> None:
        """Reports that the checkpoint of ``step`` is on disk at ``path`` (default: the checkpoint directory).

        Call it after the file is completely written (write to a temporary name, then ``os.replace``):
        a retried attempt resumes from the last checkpoint reported here.
        """
        message: Dict[str, Any] = {"type": "checkpoint", "step": _step(step)}
        if path is not None:
            message["path"] = os.fspath(Path(path).resolve())
        self._send(message)

    def count(self, params: Optional[Number] = None, data: Optional[Number] = None, flops: Optional[Number] = None) -> None:
        """Reports counted quantities: parameters N, samples/tokens D, total training FLOPs.

        Without ``flops`` the worker estimates 6·N·D (Kaplan et al. 2020).
        """
        counts = {k: _count(k, v) for k, v in (("params", params), ("data", data), ("flops", flops))}
        self._send({"type": "counts", **{k: v for k, v in counts.items() if v is not None}})

    def finish(
        self,
        *,
        step: Optional[int] = None,
        params: Optional[Number] = None,
        data: Optional[Number] = None,
        flops: Optional[Number] = None,
        **final: Number,
    ) -> None:
        """Reports the final metrics (``trial.finish(eval_loss=0.41, eval_accuracy=0.86)``); then exit 0."""
        message: Dict[str, Any] = {"type": "result", "status": "completed", "final": {k: _value(k, v) for k, v in final.items()}}
        if step is not None:
            message["step"] = _step(step)
        for key, value in (("params", params), ("data", data), ("flops", flops)):
            if value is not None:
                message[key] = _count(key, value)
        self._send(message)

    def diverged(self, step: int, reason: Optional[str] = None) -> NoReturn:
        """Ends the run as ``diverged`` at ``step`` (loss NaN/inf): reported, then ``sys.exit(EXIT_DIVERGED)``."""
        message: Dict[str, Any] = {"type": "result", "status": "diverged", "step": _step(step)}
        message["reason"] = reason or f"the loss diverged at step {step}"
        self._send(message)
        sys.exit(EXIT_DIVERGED)

    def invalid_config(self, reason: str) -> NoReturn:
        """Ends the run because its settings can never work (not retried): reported, then ``sys.exit(78)``."""
        self._send({"type": "invalid_config", "reason": str(reason)})
        sys.exit(EXIT_INVALID_CONFIG)


def _step(step: int) -> int:
    """A step number: an integer (Python or NumPy) >= 0."""
    try:
        value = operator.index(step) if not isinstance(step, bool) else None
    except TypeError:
        value = None
    if value is None:
        raise TypeError(f"step: expected an integer >= 0, got {step!r}")
    if value < 0:
        raise ValueError(f"step: expected an integer >= 0, got {value}")
    return value


def _worker_gone(why: str) -> NoReturn:
    # The worker died (SIGKILL, lost node): nobody reads the reports, and a retry will resume from the
    # last checkpoint. Stop at once, without running cleanup that could write a half checkpoint.
    sys.stderr.write(f"slab_trainer: {why}; the worker is gone, stopping\n")
    sys.stderr.flush()
    os._exit(1)


def _watch_worker(pid: int, every: float) -> None:
    while True:
        time.sleep(every)
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            _worker_gone(f"worker process {pid} ended")
        except PermissionError:
            pass  # alive, owned by someone else


_current: Optional[Trial] = None


def current(environ: Optional[Mapping[str, str]] = None, *, watch_worker: bool = True) -> Trial:
    """The trial this process was started for (read once from ``SLAB_TRIAL_FILE``, then cached).

    Args:
        environ: environment to read (default ``os.environ``); passing one skips the cache.
        watch_worker: stop this process when the worker that started it dies (checked every second),
            so a killed worker leaves no trainer behind.

    Raises:
        NotUnderWorker: ``SLAB_TRIAL_FILE`` is not set (the script was not started by a worker).
    """
    global _current
    cached = environ is None
    if cached and _current is not None:
        return _current
    env = os.environ if environ is None else environ
    trial_file = env.get("SLAB_TRIAL_FILE")
    if not trial_file:
        raise NotUnderWorker(
            "SLAB_TRIAL_FILE is not set: start this script through a Scaling Lab sweep "
            "(task.plugin: process, task.options.command: [...]), or set SLAB_TRIAL_FILE to a trial JSON "
            "and SLAB_REPORT_FD to a writable descriptor"
        )
    with open(trial_file, encoding="utf-8") as f:
        document = json.load(f)
    fd = int(env.get("SLAB_REPORT_FD", "3"))
    try:
        report = os.fdopen(fd, "w", encoding="utf-8", buffering=1, closefd=False)
    except OSError as err:
        raise NotUnderWorker(f"SLAB_REPORT_FD={fd}: cannot write reports to that descriptor ({err})") from None
    trial = Trial(document, report)
    worker = env.get("SLAB_WORKER_PID")
    if watch_worker and worker and worker.isdigit():
        threading.Thread(target=_watch_worker, args=(int(worker), 1.0), name="slab-worker-watch", daemon=True).start()
    if cached:
        _current = trial
    return trial
