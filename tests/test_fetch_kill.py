"""A fetch killed (SIGKILL) at several points and run again gives the same folder as one never
interrupted: the same files, the same bytes, the same manifest but for its fetch times; after
every kill, no page or image is half-written and the manifest is whole; the runs after a kill
ask again for at most the page each kill interrupted.

The test hook POSTBOOK_TEST_FETCH_SLOW_WRITE (fetch/state.py) pauses in the middle of writing
every file, so that kills land inside writes too.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from postbook.fetch.state import MANIFEST, SLOW_WRITE_ENV, STATE, TEMP_PREFIX

from .fetch_blogs import BLOGS
from .fetch_server import BlogServer, only_this_machine, serving  # noqa: F401 (autouse)

ROOT = Path(__file__).resolve().parent.parent
# (requests the server sees in this run before the kill, then seconds more): a kill inside
# a request, inside the pause of a write, between writes...
KILL_POINTS = ((1, 0.0), (2, 0.02), (3, 0.05), (1, 0.035), (2, 0.0), (4, 0.01), (3, 0.03))


def command(server: BlogServer, out: Path) -> list[str]:
    return [sys.executable, "-m", "postbook.cli", "fetch", server.url("/"), "--out", str(out),
            "--delay", "0.01", "--quiet"]


def environment(slow: bool) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "tools")}
    env.pop(SLOW_WRITE_ENV, None)
    if slow:
        env[SLOW_WRITE_ENV] = "0.04"
    return env


def run_killed(server: BlogServer, out: Path, requests: int, more: float) -> bool:
    """One run, killed after the server saw `requests` of its requests and `more` seconds;
    whether it finished before the kill."""
    server.forget()
    process = subprocess.Popen(command(server, out), env=environment(True),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while len(server.requests()) < requests and process.poll() is None:
        assert time.monotonic() < deadline, "the fetch never got that far"
        time.sleep(0.002)
    time.sleep(more)
    if process.poll() is not None:
        return process.returncode == 0
    process.send_signal(signal.SIGKILL)
    process.wait()
    return False


def files_of(out: Path) -> dict[str, bytes]:
    """Every file of the folder (the hidden state too, but not its lock)."""
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and p.name != "lock"}


def without_times(data: bytes) -> dict:
    """The manifest without the times of fetches (they differ run to run)."""
    def strip(value):
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k not in ("fetched", "checked")}
        return value
    return strip(json.loads(data))


def assert_whole(out: Path, reference: dict[str, bytes]) -> None:
    """After a kill: each page and image is a whole one (the reference's bytes), the manifest
    parses, nothing visible is a temporary file."""
    for name, data in files_of(out).items():
        hidden = Path(name).name.startswith(TEMP_PREFIX)  # (the converter never reads these)
        if name.startswith(("pages/", "images/")) and not hidden:
            assert data == reference[name], f"{name} is not whole"
        elif name == MANIFEST:
            json.loads(data)


@pytest.mark.parametrize("name", ["typecho", "wordpress"])
def test_killed_runs_end_as_an_uninterrupted_one(tmp_path: Path, name: str) -> None:
    with serving() as server:
        BLOGS[name](server)
        reference_dir = tmp_path / "reference"
        done = subprocess.run(command(server, reference_dir), env=environment(False),
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr
        reference = files_of(reference_dir)
        posts = {s.path for s in server.requests() if s.path.startswith(("/archives/", "/20"))}
        out = tmp_path / "killed"
        kills, asked_posts = 0, 0
        for requests, more in KILL_POINTS * 4:
            finished = run_killed(server, out, requests, more)
            asked_posts += sum(1 for s in server.requests() if s.path in posts)
            if finished:
                break
            kills += 1
            assert_whole(out, reference)
        else:
            pytest.fail("the fetch never finished")
    assert kills >= 5
    final = files_of(out)
    assert sorted(final) == sorted(reference)
    for name in reference:
        if name != MANIFEST:
            assert final[name] == reference[name], name
    assert without_times(final[MANIFEST]) == without_times(reference[MANIFEST])
    assert not (out / STATE / "journal.jsonl").exists()
    assert asked_posts <= len(posts) + kills  # each kill costs at most the page in flight
