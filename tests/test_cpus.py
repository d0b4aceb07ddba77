"""The CPUs a run may use: parsing --zarr-cpus, and pinning every thread of the process."""

import os
import subprocess
import sys
import textwrap

import pytest

from zarrgauge import cpus
from zarrgauge.errors import EXIT_USAGE, ZarrgaugeError

AVAILABLE = sorted(os.sched_getaffinity(0))


@pytest.mark.parametrize("text, expected", [
    (str(AVAILABLE[0]), {AVAILABLE[0]}),
    (",".join(map(str, AVAILABLE)), set(AVAILABLE)),
    (f"{AVAILABLE[0]}-{AVAILABLE[-1]}", set(range(AVAILABLE[0], AVAILABLE[-1] + 1))),
])
def test_a_cpu_list_reads_as_taskset_writes_it(text, expected):
    if not expected <= set(AVAILABLE):
        pytest.skip("this process may not use every CPU of that range")
    assert cpus.parse(text, "--zarr-cpus") == expected


@pytest.mark.parametrize("text, says", [
    ("first", "is no CPU list"), ("0-", "is no CPU list"), ("", "is no CPU list"), ("3-1", "is no CPU list"),
    ("4096", "names CPUs this process may not use; it may use " + ",".join(map(str, AVAILABLE))),
])
def test_a_bad_cpu_list_is_a_usage_error_that_says_what_to_write(text, says):
    with pytest.raises(ZarrgaugeError) as raised:
        cpus.parse(text, "--zarr-cpus")
    assert raised.value.exit_status == EXIT_USAGE and says in str(raised.value)


def test_pinning_moves_threads_already_running_and_those_started_later():
    # In a child: pinning the test worker itself would slow every later test.
    script = textwrap.dedent(f"""
        import os, threading
        from zarrgauge import cpus
        started = threading.Event(); stop = threading.Event()
        def wait():
            started.set(); stop.wait()
        early = threading.Thread(target=wait); early.start(); started.wait()
        cpus.pin({{{AVAILABLE[0]}}})
        late = threading.Thread(target=stop.wait); late.start()
        masks = [os.sched_getaffinity(thread.native_id) for thread in (threading.main_thread(), early, late)]
        stop.set()
        print(all(mask == {{{AVAILABLE[0]}}} for mask in masks), cpus.usable())
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["True", "1"]
