"""How every pytest option of zarrgauge is declared: a name, the ZARRGAUGE_ environment variable
that stands in when the option is not given, and its help. The plugin adds each one the same way;
the case-selection options are in catalogue.selection, the run's own (scratch, servers, dask) in
harness.session.options."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Option:
    name: str  # the pytest option's dest, e.g. zarr_family
    env: str | None  # None: set only on the command line (by a zarrgauge subcommand that runs pytest)
    help: str
    choices: tuple[str, ...] = ()  # empty: free text
    metavar: str = "VALUES"

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")

    @property
    def source(self) -> str:
        return f"{self.flag} (or {self.env})" if self.env else self.flag

    @property
    def full_help(self) -> str:
        """The help pytest prints: the text, where the environment stands in, and the choices."""
        env = f" (env {self.env})" if self.env else ""
        choices = f"; one of: {', '.join(self.choices)}" if self.choices else ""
        return f"{self.help}{env}{choices}"

    def value(self, given: str | None, environ: Mapping[str, str] = os.environ) -> str | None:
        """The option's value on the command line, else its environment variable's, else None."""
        return given or (environ.get(self.env) if self.env else None)
