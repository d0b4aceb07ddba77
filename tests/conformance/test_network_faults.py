"""Network faults, injected by zarrgauge's wire proxy between each object-storage client and its
server (the Azure client gets S3's 5xx answers too: its retries look at the status alone): 5xx
answers, a truncated body, a stall beyond the client's timeout, a dropped connection, the server
going down mid-read, a refused connection, and a write that fails part of the way.

Under each, zarr either retries and returns the right values or raises an exception within a
bounded time: it never hangs, never returns wrong values, and a failed write leaves every chunk
outside the written region as it was and no chunk torn. Each test records what the client did
(user properties FAULT_PROPERTY and OUTCOME_PROPERTY), which the conformance matrix lists in its
"Network faults" table.

The clients are impatient (zarrgauge.objectstore.patience.IMPATIENT: 2 s timeouts, 2 retries) so that
a fault that does not heal fails in seconds; their default budgets take a minute or more. (1 s
timeouts were too short for 16 GETs at once through the proxy to moto on a loaded 2-core runner: a
healthy read timed out in CI once.) Even so a stall, a drop or a truncation meets one request only:
s3fs nests its retries (a whole-object read is retried around a call that retries, each retried by
botocore), so a stall on every request costs it 3 x 3 x 3 timeouts, about a minute (5 x 5 x 5 times
15 s, half an hour, with its defaults).
Each client meets the faults one after another, as a user's long-lived client would: one client,
and one array to read, per client kind for the whole module.
"""

import asyncio
import concurrent.futures
import re

import numpy as np
import pytest
import zarr
from zarr.core.sync import sync

from zarrgauge.catalogue.stores import REMOTE_STORES
from zarrgauge.conformance.grid import reference_array
from zarrgauge.conformance.known_bugs import WRITES_AFTER_RAISING
from zarrgauge.conformance.matrix import FAULT_PROPERTY, OUTCOME_PROPERTY
from zarrgauge.harness.data.stores import Scratch
from zarrgauge.harness.measure.oracle import assert_identical
from zarrgauge.harness.session.session import SESSION
from zarrgauge.objectstore.patience import IMPATIENT

# s3fs tuned differs from s3fs in its HEADs and its pool, not in how it retries: it met every fault
# as s3fs with its defaults did (measured once), and is left out to save make test's time.
FAULT_CLIENTS = tuple(kind for kind in REMOTE_STORES if kind != "s3-fsspec-tuned")


def clients(*kinds: str):
    """Every client under test, or those named: a parameter of module scope, as the client lives long."""
    return pytest.mark.parametrize("store_kind", kinds or FAULT_CLIENTS, indirect=True, scope="module")


SHAPE, CHUNKS, DTYPE = (40, 40), (10, 10), "float64"  # 16 chunks
ONE_CHUNK = np.s_[:10, :10]
# A region of whole chunks (rows 1 and 2 of the chunk grid), overwritten by the failing writes.
REGION = np.s_[10:30, :]
HANG_SECONDS = 60.0  # far beyond any retry budget of an impatient client: past it, zarr hung


@pytest.fixture(scope="module")
def store_kind(request) -> str:
    """The conformance store_kind, of module scope here."""
    return request.param


@pytest.fixture(scope="module")
def scratch(store_kind, tmp_path_factory, pytestconfig):
    """A bucket or container prefix, and so one client, per client kind."""
    storage = pytestconfig.stash[SESSION].object_storage
    space = Scratch(tmp_path_factory.mktemp("network-faults"), storage.open_bucket, storage.open_container)
    yield space
    space.remove()


@pytest.fixture(scope="module")
def stored(store_kind, scratch):
    """An array of reference values in 16 chunks, which the read tests share (no test writes it),
    and those values."""
    store = scratch.prefix_for(store_kind).store(store_kind, scratch.new_name(), IMPATIENT)
    values = reference_array(SHAPE, DTYPE)
    zarr.create_array(store, shape=SHAPE, chunks=CHUNKS, dtype=DTYPE, zarr_format=3)[...] = values
    return store, values


@pytest.fixture
def wire(store_kind, scratch):
    """The run's wire proxy; whatever fault a test sets is cleared after it, pass or fail, since
    every later test shares the proxy, and what the test's zarr calls left running is stopped."""
    wire = scratch.prefix_for(store_kind).wire
    if wire is None:
        pytest.skip("no wire proxy to inject faults: the S3 endpoint is https")
    yield wire
    try:
        leftovers(cancel=True)
    finally:
        wire.fault("none")


@pytest.fixture
def readable(stored, wire):
    """The shared array opened for reading (its metadata read: faults meet chunk requests only),
    and its values; the wire counts are reset."""
    store, values = stored
    array = zarr.open_array(store, mode="r")
    wire.reset()
    return array, values


@pytest.fixture
def writable(store_kind, scratch, wire):
    """A store of its own holding an array of reference values (to overwrite), and those values;
    the wire counts are reset."""
    store = scratch.prefix_for(store_kind).store(store_kind, scratch.new_name(), IMPATIENT)
    values = reference_array(SHAPE, DTYPE)
    zarr.create_array(store, shape=SHAPE, chunks=CHUNKS, dtype=DTYPE, zarr_format=3)[...] = values
    wire.reset()
    return store, values


def leftovers(cancel: bool) -> None:
    """Cancel, or wait for, whatever else runs on zarr's event loop: a zarr call that raised leaves
    its other chunk requests running (asyncio.gather cancels none); they must be over before the
    test looks at the array, and before the next test."""

    async def stop() -> None:
        while others := asyncio.all_tasks() - {asyncio.current_task()}:
            for task in others if cancel else ():
                task.cancel()
            await asyncio.wait(others)

    sync(stop(), timeout=HANG_SECONDS)


class Outcome:
    """What a zarr call did within HANG_SECONDS: its result, or the exception it raised."""

    def __init__(self, call) -> None:
        self.result, self.error = None, None
        pool = concurrent.futures.ThreadPoolExecutor(1)
        future = pool.submit(call)
        # wait(), not result(timeout=): a client's own TimeoutError must not pass for a hang
        done, _ = concurrent.futures.wait([future], timeout=HANG_SECONDS)
        pool.shutdown(wait=False)
        if not done:
            pytest.fail(f"hung: neither a result nor an exception after {HANG_SECONDS:.0f} s")
        try:
            self.result = future.result()
        except Exception as error:
            self.error = error

    def error_text(self) -> str:
        """The exception's type and the first line of its message, without URLs or timings, so
        that the matrix reads the same from run to run."""
        kind = type(self.error)
        name = kind.__name__ if kind.__module__ == "builtins" else f"{kind.__module__.split('.')[0]}.{kind.__name__}"
        message = re.sub(r'"?https?://\S+', "<url>", str(self.error).strip().splitlines()[0])
        message = " ".join(re.sub(r" in [\d.]+m?s,", "", message).split())
        return f"{name}: {message[:150]}{'...' if len(message) > 150 else ''}"

    def describe(self, expected, right: str = "retried: right values") -> str:
        if self.error is not None:
            return f"raised {self.error_text()}"
        return right if identical(self.result, expected) else "WRONG VALUES"


def identical(actual, expected) -> bool:
    try:
        assert_identical(actual, expected)
    except AssertionError:
        return False
    return True


def on_wire(wire, method: str) -> str:
    """How many requests of this method reached the proxy, and how many of them met the fault."""
    counts = wire.counts()
    sent = counts["wire_get"] + counts["wire_get_range"] if method == "GET" else counts[f"wire_{method.lower()}"]
    return f"{counts['wire_faults']} of {sent} {method}s faulted"


def record(record_property, fault: str, outcome: str) -> None:
    record_property(FAULT_PROPERTY, fault)
    record_property(OUTCOME_PROPERTY, outcome)


@clients()
@pytest.mark.parametrize("status", ["500", "503"])
def test_a_transient_5xx_on_reads_is_retried(readable, wire, record_property, status):
    """Two 5xx answers, to one request or two: within the retry budget, so the read succeeds."""
    array, values = readable
    wire.fault(status, count=2, methods="GET")
    outcome = Outcome(lambda: array[...])
    record(record_property, f"transient {status} on reads", f"{outcome.describe(values)} ({on_wire(wire, 'GET')})")
    assert outcome.error is None, f"a transient {status} was not retried: {outcome.error_text()}"
    assert_identical(outcome.result, values)
    assert wire.counts()["wire_5xx"] == 2


@clients()
def test_a_transient_503_on_writes_is_retried(writable, wire, record_property):
    store, _ = writable
    new = reference_array(SHAPE, DTYPE, seed=1)
    wire.fault("503", count=2, methods="PUT")
    outcome = Outcome(lambda: zarr.open_array(store, mode="r+").__setitem__(Ellipsis, new))
    written = zarr.open_array(store, mode="r")[...]
    verdict = f"raised {outcome.error_text()}" if outcome.error else (
        f"retried: right values after it ({on_wire(wire, 'PUT')})" if identical(written, new) else
        "WRONG VALUES after it")
    record(record_property, "transient 503 on writes", verdict)
    assert outcome.error is None, f"a transient 503 was not retried: {outcome.error_text()}"
    assert_identical(written, new)
    assert wire.counts()["wire_5xx"] == 2


@clients()
def test_a_persistent_500_on_reads_raises(readable, wire, record_property):
    """Every GET of one chunk answers 500: the read raises once the retries run out."""
    array, values = readable
    wire.fault("500", methods="GET")
    outcome = Outcome(lambda: array[ONE_CHUNK])
    what = f"{outcome.describe(values[ONE_CHUNK])} ({on_wire(wire, 'GET')})"
    record(record_property, "persistent 500 on reads", what)
    assert outcome.error is not None, "values returned though every GET answered 500"


@clients()
@pytest.mark.parametrize(("fault", "label"), [
    ("truncate", "truncated body on a read"),
    ("stall", "stall beyond the timeout on a read"),
    ("drop", "dropped connection on a read"),
])
def test_a_broken_response_is_retried_or_raises(readable, wire, record_property, fault, label):
    """One GET meets the fault: retrying it and raising are both right; wrong values are not."""
    array, values = readable
    wire.fault(fault, count=1, methods="GET")
    outcome = Outcome(lambda: array[...])
    record(record_property, label, f"{outcome.describe(values)} ({on_wire(wire, 'GET')})")
    if outcome.error is None:
        assert_identical(outcome.result, values)


@clients()
@pytest.mark.parametrize(("skip", "label"), [(5, "server down mid-read"), (0, "connection refused")])
def test_a_server_that_is_down_fails_the_read_until_it_is_back(readable, wire, record_property, skip, label):
    """The server goes down after `skip` chunk GETs of a 16-chunk read (at once: every connection
    refused) and stays down: the read raises. Once it is back, the same array reads right."""
    array, values = readable
    wire.fault("down", skip=skip, methods="GET")
    outcome = Outcome(lambda: array[...])
    wire.fault("none")
    again = Outcome(lambda: array[...])
    record(record_property, label, f"{outcome.describe(values)}; once back: {again.describe(values, 'right values')}")
    assert outcome.error is not None, "values returned though the server was down"
    assert again.error is None, f"the server is back, yet the read fails: {again.error_text()}"
    assert_identical(again.result, values)


@clients()
def test_a_failed_write_leaves_every_other_chunk_intact(writable, wire, record_property):
    """Every PUT after the first three of an 8-chunk overwrite answers 500: the write raises; after
    it every chunk outside the region is as before, and each chunk inside is wholly old or new."""
    store, old = writable
    new = old.copy()
    new[REGION] = reference_array(new[REGION].shape, DTYPE, seed=1)
    wire.fault("500", skip=3, methods="PUT")
    outcome = Outcome(lambda: zarr.open_array(store, mode="r+").__setitem__(REGION, new[REGION]))
    leftovers(cancel=True)  # with the fault still on: nothing the write left running gets through
    wire.fault("none")
    after = zarr.open_array(store, mode="r")[...]
    states = [chunk_state(after, old, new, (rows, columns)) for rows in range(1, 3) for columns in range(4)]
    verdict = f"raised {outcome.error_text()}" if outcome.error else "returned"
    record(record_property, "failed write (500 on every PUT after 3)",
           f"{verdict}; chunks in the region: {states.count('new')} new, {states.count('old')} old, "
           f"{states.count('torn')} torn")
    assert outcome.error is not None, "the write returned though most of its PUTs answered 500"
    outside = np.ones(SHAPE, bool)
    outside[REGION] = False
    assert_identical(after[outside], old[outside])
    assert "torn" not in states, f"chunks of the region, row by row: {states}"


def chunk_state(after, old, new, chunk: tuple[int, int]) -> str:
    where = tuple(slice(index * size, (index + 1) * size) for index, size in zip(chunk, CHUNKS))
    return "old" if identical(after[where], old[where]) else "new" if identical(after[where], new[where]) else "torn"


# zarr's bug, whatever the client: through obstore, which fails fastest (botocore's backoff is random, up to 3 s)
@clients("s3-obstore")
@WRITES_AFTER_RAISING
def test_a_write_that_raised_writes_nothing_more(writable, wire, record_property):
    """One chunk write at a time, and the first fails (its PUT answers 500 until the retries run
    out): the write raises, and must not go on to write the seven chunks still queued."""
    store, old = writable
    new = old.copy()
    new[REGION] = -old[REGION]
    wire.fault("500", count=IMPATIENT.retries + 1, methods="PUT")
    with zarr.config.set({"async.concurrency": 1}):
        writer = zarr.open_array(store, mode="r+")
        outcome = Outcome(lambda: writer.__setitem__(REGION, new[REGION]))
        leftovers(cancel=False)  # whatever the write left running, done
    after = zarr.open_array(store, mode="r")[...]
    states = [chunk_state(after, old, new, (rows, columns)) for rows in range(1, 3) for columns in range(4)]
    verdict = f"raised {outcome.error_text()}" if outcome.error else "returned"
    record(record_property, "write that raised (one chunk at a time, the first failing)",
           f"{verdict}; then {states.count('new')} of the 8 chunks written all the same")
    assert outcome.error is not None, "the write returned though its first chunk could not be written"
    assert states.count("new") == 0, f"chunks of the region after the write raised, row by row: {states}"
