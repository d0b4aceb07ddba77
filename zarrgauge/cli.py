"""The `zarrgauge` command line: compare, gate and ab (same-job A/B) over pytest-benchmark results,
report (markdown and HTML with figures), and advise (chunks and codec for your own array).

Exit status: 0 no regression, 1 regression, 2 could not compare (one line on stderr, no
traceback), 3 a tool the command needs is missing (valgrind), 4 usage error (unknown command or
option), 5 advise's source cannot be opened or read, 130 interrupted.
"""

from __future__ import annotations

import argparse
import sys

from zarrgauge.advise.command import add_advise_command
from zarrgauge.asv.command import add_asv_commands
from zarrgauge.errors import EXIT_INTERRUPTED, EXIT_USAGE, ZarrgaugeError
from zarrgauge.gate.command import add_gate_commands
from zarrgauge.instructions.command import add_instructions_command
from zarrgauge.interop.command import add_interop_command
from zarrgauge.report.command import add_report_command


class OneLineParser(argparse.ArgumentParser):
    """Usage errors in one line with their own exit status, apart from 'could not compare' (2)."""

    def error(self, message: str):
        self.exit(EXIT_USAGE, f"{self.prog}: {message} (see '{self.prog} --help')\n")


def parser() -> argparse.ArgumentParser:
    top = OneLineParser(
        prog="zarrgauge", description=__doc__.split("\n\n")[0],
        epilog="Run 'zarrgauge COMMAND --help' for the options of each command.")
    subparsers = top.add_subparsers(dest="command", metavar="COMMAND", required=True)
    add_gate_commands(subparsers)
    add_asv_commands(subparsers)
    add_report_command(subparsers)
    add_interop_command(subparsers)
    add_instructions_command(subparsers)
    add_advise_command(subparsers)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except ZarrgaugeError as error:
        print(f"zarrgauge {args.command}: {error}", file=sys.stderr)
        return error.exit_status
    except KeyboardInterrupt:
        print(f"zarrgauge {args.command}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
