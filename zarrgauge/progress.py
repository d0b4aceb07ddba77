"""Progress bars for long steps (filling full-tier arrays), shown past pytest's output capture."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from tqdm import tqdm

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

_stream: SupportsWrite[str] | None = None  # None: tqdm's default, stderr


class _Lines:
    """A writable stream over a function, for tqdm."""

    encoding = "utf-8"  # tqdm draws smooth block characters only on a stream that says so

    def __init__(self, write: Callable[[str], None]) -> None:
        self.write = write

    def flush(self) -> None:
        pass


@contextmanager
def shown_with(write: Callable[[str], None]) -> Iterator[None]:
    """Draw every bar through `write` while the block runs (the pytest plugin writes around capture)."""
    global _stream
    previous, _stream = _stream, _Lines(write)
    try:
        yield
    finally:
        _stream = previous


def bar(label: str, total: int, unit: str, show: bool = True) -> tqdm:
    """A bar to advance with .update() and close (it is a context manager); hidden when not `show`."""
    return tqdm(total=total, desc=label, unit=unit, disable=not show, file=_stream, mininterval=1.0,
                dynamic_ncols=True)
