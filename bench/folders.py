"""A working folder for a bench run: temporary, or kept for a look at its logs and files."""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any


def run_in_folder(
    prefix: str, keep: bool, bench: Callable[[Path], Coroutine[Any, Any, int]]
) -> int:
    """Run `bench(folder)` in a fresh temporary folder; remove it afterwards unless `keep`."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        return asyncio.run(bench(folder))
    finally:
        if keep:
            print(f"kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
