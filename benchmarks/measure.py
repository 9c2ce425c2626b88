"""Timing a command with its peak memory, snapshots of file times, and what machine this is."""

from __future__ import annotations

import datetime
import os
import platform
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass
class Run:
    """One timed command."""

    command: list[str]
    seconds: float  # wall clock
    cpu_seconds: float  # user + system, the command and the children it waited for
    peak_rss_mb: float  # largest resident set of the command or any child it waited for
    returncode: int
    log: str  # where its output went

    def as_dict(self) -> dict:
        data = asdict(self)
        data["command"] = " ".join(self.command)
        return data


def run_timed(command: list[str], log: Path, cwd: Path | None = None,
              env: dict[str, str] | None = None) -> Run:
    """Run command (output to log), wait for it with wait4 for its resource usage."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "wb") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, cwd=cwd,
                                env={**os.environ, **(env or {})}, stdin=subprocess.DEVNULL)
        _pid, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return Run(command, round(seconds, 3), round(usage.ru_utime + usage.ru_stime, 3),
               round(usage.ru_maxrss / 1024, 1), proc.returncode, str(log))


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
