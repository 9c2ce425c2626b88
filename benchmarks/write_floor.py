"""The machine's floor for writing a book: the files of a converted book, written again.

`python write_floor.py BOOK DEST` reads every file under BOOK into memory, then writes them all
under DEST (a new folder) as plainly as Python can: open, write, close, no temporary file, no
rename, no sync. The time of that writing alone (printed as "write_seconds: S") is what the
converter could not go below on this machine with one file per chapter, however fast its own
work; run.py subtracts it from the converter's time to show how much is the converter's.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path


def main(book: Path, dest: Path) -> int:
    files = [(p.relative_to(book), p.read_bytes()) for p in sorted(book.rglob("*")) if p.is_file()]
    folders = sorted({rel.parent for rel, _data in files})
    start = time.perf_counter()
    times = os.times()
    for folder in folders:
        (dest / folder).mkdir(parents=True, exist_ok=True)
    for rel, data in files:
        with open(dest / rel, "wb") as handle:
            handle.write(data)
    seconds = time.perf_counter() - start
    kernel = os.times().system - times.system
    print(f"files: {len(files)}\nbytes: {sum(len(d) for _r, d in files)}\n"
          f"write_seconds: {seconds:.3f}\nwrite_system_seconds: {kernel:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(Path(sys.argv[1]), Path(sys.argv[2])))
