"""slab_trainer against a real pipe: what a script reports is what the worker reads on fd 3."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path
from typing import Any, Dict, List

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import slab_trainer  # noqa: E402

DOCUMENT: Dict[str, Any] = {
    "protocol": 1,
    "sweepId": "s",
    "trialId": "s-t0003",
    "attempt": 2,
    "config": {"width": 64, "data": 4000, "learningRate": 0.001, "seed": 5},
    "params": None,
    "data": 4000,
    "seed": 5,
    "task": {"dataset": "fashion-mnist", "model": "mlp"},
    "options": {"batchSize": 32},
    "logEvery": 10,
    "evalEvery": 100,
    "checkpointEvery": 50,
    "checkpointDir": "/tmp/ckpt",
    "resume": {"step": 50, "checkpoint": "/tmp/ckpt/ckpt-50.npz"},
}


class TrialTest(unittest.TestCase):
    def setUp(self) -> None:
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        trial_file = Path(self.tmp.name) / "trial.json"
        trial_file.write_text(json.dumps(DOCUMENT))
        self.read_fd, self.write_fd = os.pipe()
        self.addCleanup(lambda: [os.close(fd) for fd in (self.read_fd, self.write_fd) if _is_open(fd)])
        self.env = {"SLAB_TRIAL_FILE": str(trial_file), "SLAB_REPORT_FD": str(self.write_fd)}
        self.trial = slab_trainer.current(self.env, watch_worker=False)

    def lines(self) -> List[Dict[str, Any]]:
        os.close(self.write_fd)
        with os.fdopen(self.read_fd, encoding="utf-8") as f:
            return [json.loads(line) for line in f.read().splitlines()]

    def test_reads_the_trial(self) -> None:
        t = self.trial
        self.assertEqual((t.trial_id, t.sweep_id, t.attempt, t.seed, t.data, t.params), ("s-t0003", "s", 2, 5, 4000, None))
        self.assertEqual(t.config["width"], 64)
        self.assertEqual(t.options, {"batchSize": 32})
        self.assertEqual((t.log_every, t.eval_every, t.checkpoint_every), (10, 100, 50))
        self.assertEqual(t.checkpoint_dir, Path("/tmp/ckpt"))
        self.assertEqual((t.resume_step, t.resume_checkpoint), (50, Path("/tmp/ckpt/ckpt-50.npz")))

    def test_reports_one_json_object_per_line(self) -> None:
        t = self.trial
        t.count(params=101770)
        t.log(60, train_loss=0.52, eval_loss=0.61)
        t.progress(61)
        t.checkpoint(100, "/tmp/ckpt/ckpt-100.npz")
        t.finish(eval_loss=0.41, params=101770, flops=1.5e12)
        self.assertEqual(
            self.lines(),
            [
                {"type": "counts", "params": 101770},
                {"type": "metrics", "step": 60, "values": {"train_loss": 0.52, "eval_loss": 0.61}},
                {"type": "progress", "step": 61},
                {"type": "checkpoint", "step": 100, "path": "/tmp/ckpt/ckpt-100.npz"},
                {"type": "result", "status": "completed", "final": {"eval_loss": 0.41}, "params": 101770, "flops": 1.5e12},
            ],
        )

    def test_non_finite_values_travel_as_strings(self) -> None:
        self.trial.log(3, a=float("nan"), b=float("inf"), c=float("-inf"), d=2)
        self.assertEqual(self.lines(), [{"type": "metrics", "step": 3, "values": {"a": "NaN", "b": "Infinity", "c": "-Infinity", "d": 2.0}}])

    def test_diverged_reports_and_exits_with_the_diverged_code(self) -> None:
        with self.assertRaises(SystemExit) as stop:
            self.trial.diverged(7, "train_loss is NaN")
        self.assertEqual(stop.exception.code, slab_trainer.EXIT_DIVERGED)
        self.assertEqual(self.lines(), [{"type": "result", "status": "diverged", "step": 7, "reason": "train_loss is NaN"}])

    def test_invalid_config_reports_and_exits_78(self) -> None:
        with self.assertRaises(SystemExit) as stop:
            self.trial.invalid_config("width must be even")
        self.assertEqual(stop.exception.code, 78)
        self.assertEqual(self.lines(), [{"type": "invalid_config", "reason": "width must be even"}])

    def test_bad_arguments_name_what_was_expected(self) -> None:
        with self.assertRaisesRegex(TypeError, r"step: expected an integer >= 0, got 1\.5"):
            self.trial.log(1.5, loss=1)  # type: ignore[arg-type]
        with self.assertRaisesRegex(ValueError, r"step: expected an integer >= 0, got -1"):
            self.trial.progress(-1)
        with self.assertRaisesRegex(TypeError, r"metric loss: expected a number, got 'low'"):
            self.trial.log(1, loss="low")  # type: ignore[arg-type]
        with self.assertRaisesRegex(TypeError, r"log: expected at least one metric"):
            self.trial.log(1)
        with self.assertRaisesRegex(ValueError, r"params: expected a finite number >= 0, got -5"):
            self.trial.count(params=-5)
        self.assertEqual(self.lines(), [])


class OutsideWorkerTest(unittest.TestCase):
    def test_says_how_to_start_the_script(self) -> None:
        with self.assertRaisesRegex(slab_trainer.NotUnderWorker, "SLAB_TRIAL_FILE is not set"):
            slab_trainer.current({}, watch_worker=False)


class WorkerGoneTest(unittest.TestCase):
    def test_a_closed_report_channel_stops_the_script(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            trial_file = Path(tmp) / "trial.json"
            trial_file.write_text(json.dumps(DOCUMENT))
            script = "import slab_trainer\nt = slab_trainer.current()\nwhile True:\n    t.progress(1)\n"
            read_fd, write_fd = os.pipe()
            os.close(read_fd)  # nobody reads: like a worker killed with SIGKILL
            env = {**os.environ, "PYTHONPATH": str(HERE.parent), "SLAB_TRIAL_FILE": str(trial_file), "SLAB_REPORT_FD": str(write_fd)}
            done = subprocess.run([sys.executable, "-c", script], env=env, pass_fds=(write_fd,), capture_output=True, text=True, timeout=30)
            os.close(write_fd)
        self.assertEqual(done.returncode, 1)
        self.assertIn("the worker is gone, stopping", done.stderr)

    def test_a_dead_worker_process_stops_the_script(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            trial_file = Path(tmp) / "trial.json"
            trial_file.write_text(json.dumps(DOCUMENT))
            gone = subprocess.Popen([sys.executable, "-c", "pass"])
            gone.wait()  # a pid that no longer runs
            script = "import time, slab_trainer\nslab_trainer.current()\ntime.sleep(30)\n"
            read_fd, write_fd = os.pipe()
            env = {**os.environ, "PYTHONPATH": str(HERE.parent), "SLAB_TRIAL_FILE": str(trial_file), "SLAB_REPORT_FD": str(write_fd), "SLAB_WORKER_PID": str(gone.pid)}
            done = subprocess.run([sys.executable, "-c", script], env=env, pass_fds=(write_fd,), capture_output=True, text=True, timeout=20)
            os.close(read_fd)
            os.close(write_fd)
        self.assertEqual(done.returncode, 1)
        self.assertIn(f"worker process {gone.pid} ended", done.stderr)


def _is_open(fd: int) -> bool:
    try:
        os.fstat(fd)
        return True
    except OSError:
        return False


if __name__ == "__main__":
    unittest.main()
