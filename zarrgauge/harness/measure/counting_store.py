"""A store wrapper that counts requests by kind and bytes moved, around any real store.

Counts depend only on the code and the data, never on machine speed, so they can be gated
exactly. Every read and write path of zarr 3.1 to 3.4 goes through one of the methods here
(3.4 adds synchronous fast paths and ranged reads; 3.1 has neither).
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, cast

import zarr
from zarr.abc.store import Store
from zarr.storage import WrapperStore

if TYPE_CHECKING:
    from zarr.abc.store import ByteRequest
    from zarr.core.buffer import Buffer

    from zarrgauge.objectstore.servers import Wire

REQUEST_KINDS = ("get", "get_partial", "set", "exists", "list", "delete")


def _size(buffer: Buffer | None) -> int:
    return 0 if buffer is None else len(buffer)


class CountingStore(WrapperStore[Store]):
    """`wire`, for a remote store, is the proxy between client and server: it counts what the client
    really sent, beside the requests zarr made of the store."""

    def __init__(self, store: Store, wire: Wire | None = None) -> None:
        super().__init__(store)
        self.counts: Counter[str] = Counter()
        self.wire = wire
        # While a list, every get's (key, byte_range) joins it: the objects a read touched, for its floors
        # (zarrgauge.harness.measure.floors). Off by default: the log's own memory would show in the traced peak.
        self.gets: list[tuple[str, object]] | None = None

    def _with_store(self, store: Store) -> CountingStore:
        """Copies (zarr makes a read-only one when opening with mode 'r') share the counts."""
        copy = type(self)(store, self.wire)
        copy.counts = self.counts
        return copy

    def reset(self) -> None:
        self.counts.clear()
        if self.wire is not None:
            self.wire.reset()

    def wire_snapshot(self) -> dict[str, int]:
        """What crossed the wire since the last reset; empty for local stores."""
        return {} if self.wire is None else self.wire.counts()

    def snapshot(self) -> dict[str, int]:
        """Requests of every kind (zeros included) plus bytes_read and bytes_written."""
        keys = (*REQUEST_KINDS, "bytes_read", "bytes_written")
        return {key: self.counts[key] for key in keys}

    def record(self, kind: str, key: str, byte_range: ByteRequest | None = None, nbytes: int = 0) -> None:
        """Every request passes here once: `kind` is one of REQUEST_KINDS. Subclasses may log more."""
        self.counts[kind] += 1
        self.counts["bytes_written" if kind == "set" else "bytes_read"] += nbytes
        if self.gets is not None and kind in ("get", "get_partial"):
            self.gets.append((key, byte_range))

    def _got(self, key: str, buffer: Buffer | None, byte_range: ByteRequest | None) -> None:
        self.record("get" if byte_range is None else "get_partial", key, byte_range, _size(buffer))

    def _listed(self, prefix: str, keys):
        self.record("list", prefix)
        return keys

    async def get(self, key, prototype, byte_range=None):
        buffer = await super().get(key, prototype, byte_range)
        self._got(key, buffer, byte_range)
        return buffer

    def get_sync(self, key, *, prototype=None, byte_range=None):
        buffer = super().get_sync(key, prototype=prototype, byte_range=byte_range)
        self._got(key, buffer, byte_range)
        return buffer

    async def get_partial_values(self, prototype, key_ranges):
        key_ranges = list(key_ranges)
        buffers = await super().get_partial_values(prototype, key_ranges)
        for buffer, (key, byte_range) in zip(buffers, key_ranges):
            self._got(key, buffer, byte_range)
        return buffers

    async def get_ranges(self, key, byte_ranges, **kwargs):
        async for group in super().get_ranges(key, byte_ranges, **kwargs):
            for index, buffer in group:
                self._got(key, buffer, byte_ranges[index])
            yield group

    async def _get_many(self, requests):
        for key, prototype, byte_range in requests:
            yield key, await self.get(key, prototype, byte_range)

    async def exists(self, key):
        self.record("exists", key)
        return await super().exists(key)

    async def set(self, key, value):
        self.record("set", key, nbytes=_size(value))
        await super().set(key, value)

    def set_sync(self, key, value):
        self.record("set", key, nbytes=_size(value))
        super().set_sync(key, value)

    async def set_if_not_exists(self, key, value):
        self.record("set", key, nbytes=_size(value))
        await super().set_if_not_exists(key, value)

    async def _set_many(self, values):
        for key, value in values:
            await self.set(key, value)

    async def delete(self, key):
        self.record("delete", key)
        await super().delete(key)

    def delete_sync(self, key):
        self.record("delete", key)
        super().delete_sync(key)

    def list(self):
        return self._listed("", super().list())

    def list_prefix(self, prefix):
        return self._listed(prefix, super().list_prefix(prefix))

    def list_dir(self, prefix):
        return self._listed(prefix, super().list_dir(prefix))


def counting_store(array: zarr.Array) -> CountingStore:
    """The store of an array the harness made, which is always a counting store: zarr types it as any store."""
    return cast(CountingStore, array.store)
