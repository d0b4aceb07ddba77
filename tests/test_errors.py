"""The one error type and the SIGTERM handling every long-running command shares."""

import os
import signal

import pytest

from zarrgauge.errors import EXIT_CANNOT_COMPARE, EXIT_USAGE, ZarrgaugeError, sigterm_as_interrupt, usage_error


def test_errors_carry_their_exit_status():
    assert ZarrgaugeError("x").exit_status == EXIT_CANNOT_COMPARE
    assert usage_error("x").exit_status == EXIT_USAGE and str(usage_error("bad value")) == "bad value"


def test_sigterm_unwinds_like_ctrl_c_and_the_old_handler_returns():
    def previous(signum, frame):
        raise AssertionError("the old handler ran inside the block")

    old = signal.signal(signal.SIGTERM, previous)
    try:
        with pytest.raises(KeyboardInterrupt), sigterm_as_interrupt():
            os.kill(os.getpid(), signal.SIGTERM)
        assert signal.getsignal(signal.SIGTERM) is previous
    finally:
        signal.signal(signal.SIGTERM, old)
