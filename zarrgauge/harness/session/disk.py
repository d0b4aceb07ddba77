"""Whether a full-tier run's arrays fit on the scratch disk, checked before the first is written."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

import pytest

from zarrgauge.catalogue.cases import ArrayCase


def _cases(items: list[pytest.Item], datasets: bool = False) -> list[ArrayCase]:
    """The cases of the items that time arrays, or those that time datasets (the xarray workloads)."""
    params = (getattr(item, "callspec", None) for item in items
              if ("filled_dataset" in getattr(item, "fixturenames", ())) == datasets)
    return list({spec.params["case"].id: spec.params["case"] for spec in params
                 if spec is not None and "case" in spec.params}.values())


def disk_needed(cases: list[ArrayCase], dataset_cases: Sequence[ArrayCase] = ()) -> int:
    """Bytes a run may hold on disk at once, counting data as incompressible: every small
    on-disk array stays filled for the session, and a large one is cached while a copy is written;
    beside them, the dataset of each case an xarray workload times, small ones kept, one large one
    at a time. Memory and remote stores (the S3 server keeps its objects in memory) take no disk."""
    on_disk = [case for case in cases if case.store == "local"]
    datasets = [case for case in dataset_cases if case.store == "local"]
    small = sum(case.source.nbytes for case in on_disk + datasets if case.source.fits_in_memory)
    large = max((case.source.nbytes for case in on_disk if not case.source.fits_in_memory), default=0)
    large_dataset = max((case.source.nbytes for case in datasets if not case.source.fits_in_memory), default=0)
    return small + 2 * large + large_dataset


def check_free_space(items: list[pytest.Item], parent: Path | None) -> None:
    where = parent or Path(tempfile.gettempdir())
    needed, free = disk_needed(_cases(items), _cases(items, datasets=True)), shutil.disk_usage(where).free
    if needed > free:
        pytest.exit(f"zarrgauge: the selected full-tier cases may write up to {needed / 2**30:.1f} GiB under {where}, "
                    f"which has {free / 2**30:.1f} GiB free; free some space, pass --zarr-scratch=DIR on a larger "
                    "disk, or select fewer cases (--zarr-case, --zarr-family)", returncode=pytest.ExitCode.USAGE_ERROR)
