"""Timing a command with its peak memory, snapshots of file times, and what machine this is."""

from __future__ import annotations

import datetime
import os
import platform
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass
class Run:
    """One timed command."""

    command: list[str]
    seconds: float  # wall clock
    cpu_seconds: float  # user + system, the command and the children it waited for
    system_seconds: float  # of which in the kernel (creating files, mostly, for the converter)
    peak_rss_mb: float  # largest resident set of the command or any child it waited for
    returncode: int
    log: str  # where its output went
    load_average: float = -1.0  # the machine's 1-minute load average when the command started
    peak_tree_mb: float = -1.0  # largest sum of the proportional sets (pss_kb: a shared page
    # counted once) of the command and all its processes alive at once (sampled every SAMPLE_SECONDS; -1 when not sampled): what parallel
    # workers cost together, where peak_rss_mb is the largest single process

    def as_dict(self) -> dict:
        data = asdict(self)
        data["command"] = " ".join(self.command)
        return data


SAMPLE_SECONDS = 0.5


def run_timed(command: list[str], log: Path, cwd: Path | None = None,
              env: dict[str, str] | None = None) -> Run:
    """Run command (output to log), wait for it with wait4 for its resource usage; meanwhile
    sample the resident memory of its whole process tree."""
    log.parent.mkdir(parents=True, exist_ok=True)
    load = (load_average() or [-1.0])[0]
    with open(log, "wb") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, cwd=cwd,
                                env={**os.environ, **(env or {})}, stdin=subprocess.DEVNULL)
        sampler = TreeSampler(proc.pid)
        _pid, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        tree_mb = sampler.stop()
    proc.returncode = os.waitstatus_to_exitcode(status)
    return Run(command, round(seconds, 3), round(usage.ru_utime + usage.ru_stime, 3),
               round(usage.ru_stime, 3), round(usage.ru_maxrss / 1024, 1), proc.returncode,
               str(log), load, tree_mb)


class TreeSampler:
    """The largest summed memory (pss_kb) of a process and its descendants, read from /proc
    every SAMPLE_SECONDS in a thread (a process that lives less than that may be missed)."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak_kb = pid, 0
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()

    def _sample(self) -> None:
        while not self.done.is_set():
            self.peak_kb = max(self.peak_kb, sum(pss_kb(p) for p in descendants(self.pid)))
            self.done.wait(SAMPLE_SECONDS)

    def stop(self) -> float:
        self.done.set()
        self.thread.join()
        return round(self.peak_kb / 1024, 1) if Path("/proc/self/status").is_file() else -1.0


def descendants(pid: int) -> list[int]:
    """pid and every process under it (Linux /proc; [pid] alone elsewhere)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            try:
                todo += [int(child) for child in task.read_text().split()]
            except (OSError, ValueError):
                pass
    return found


def pss_kb(pid: int) -> int:
    """A process's proportional set in kB: its resident pages, a page it shares with other
    processes (sphinx-build -j forks its readers: their pages are the parent's until written)
    counted as its share, so that a sum over processes counts each page once. Its resident set
    where the kernel has no smaps_rollup."""
    return _proc_kb(pid, "smaps_rollup", "Pss:") or rss_kb(pid)


def rss_kb(pid: int) -> int:
    """A process's resident set in kB (0 when it is gone or a zombie)."""
    return _proc_kb(pid, "status", "VmRSS:")


def _proc_kb(pid: int, name: str, key: str) -> int:
    """The kB figure of the line starting with key in /proc/PID/name (0 when there is none)."""
    try:
        for line in Path(f"/proc/{pid}/{name}").read_text().splitlines():
            if line.startswith(key):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def set_aside(folder: Path, trash: Path) -> None:
    """Move folder out of the way (a rename) instead of deleting it just before a clean run.
    On an ext4 file system without a journal the kernel skips inodes freed in the last minutes
    when it allocates new ones, one by one: 10,000 files created right after 10,000 were deleted
    cost the converter seconds of kernel time that have nothing to do with it. The trash is
    emptied when the benchmark ends (empty_trash)."""
    if folder.exists():
        trash.mkdir(parents=True, exist_ok=True)
        number = len(list(trash.iterdir()))
        folder.rename(trash / f"{number:04d}-{folder.parent.name}-{folder.name}")


def empty_trash(trash: Path) -> None:
    shutil.rmtree(trash, ignore_errors=True)


def mtimes(root: Path, suffix: str = "") -> dict[str, int]:
    """relative path -> modification time (ns) of every file under root (ending in suffix)."""
    if not root.is_dir():
        return {}
    return {p.relative_to(root).as_posix(): p.stat().st_mtime_ns
            for p in root.rglob("*" + suffix) if p.is_file()}


def changed(before: dict[str, int], after: dict[str, int]) -> list[str]:
    """Files that are new or whose modification time moved."""
    return sorted(path for path, mtime in after.items() if before.get(path) != mtime)


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def memory_total() -> str:
    try:
        out = subprocess.run(["free", "-h"], capture_output=True, text=True, check=True).stdout
        return out.splitlines()[1].split()[1]
    except (OSError, subprocess.CalledProcessError, IndexError):
        return "unknown"


def load_average() -> list[float]:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return []


def machine() -> dict:
    """The facts docs/benchmarks.md quotes about the machine and the run."""
    return {
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "nproc": os.cpu_count(),
        "cpu": cpu_model(),
        "memory": memory_total(),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "load_average_at_start": load_average(),
    }


class Background:
    """A long-running command (`postbook live`): its output read line by line as it comes, its
    peak memory taken when it is stopped."""

    def __init__(self, command: list[str], log: Path, env: dict[str, str] | None = None) -> None:
        log.parent.mkdir(parents=True, exist_ok=True)
        self.command = command
        self.log = open(log, "w", encoding="utf-8")  # noqa: SIM115 - closed in stop()
        self.lines: "queue.Queue[tuple[float, str]]" = queue.Queue()
        self.proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, text=True, encoding="utf-8",
                                     errors="replace", env={**os.environ, **(env or {})})
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put((time.perf_counter(), line.rstrip("\n")))
            self.log.write(line)
            self.log.flush()

    def wait_for(self, pattern: str, timeout: float) -> tuple[float, re.Match]:
        """The first line from now on matching the regex: (when it was read, the match)."""
        deadline = time.perf_counter() + timeout
        while True:
            left = deadline - time.perf_counter()
            if left <= 0 or self.proc.poll() is not None and self.lines.empty():
                raise TimeoutError(f"no line matching {pattern!r} from {self.command[:4]} "
                                   f"(see {self.log.name})")
            try:
                when, line = self.lines.get(timeout=min(left, 1.0))
            except queue.Empty:
                continue
            found = re.search(pattern, line)
            if found:
                return when, found

    def stop(self) -> float:
        """Ctrl-C it, wait; its peak resident memory in MB."""
        self.proc.send_signal(signal.SIGINT)
        try:
            _pid, _status, usage = os.wait4(self.proc.pid, 0)
        except ChildProcessError:
            return 0.0
        finally:
            self.log.close()
        return round(usage.ru_maxrss / 1024, 1)
