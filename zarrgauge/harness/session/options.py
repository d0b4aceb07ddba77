"""The run's own options, beside the case selection's (catalogue.selection): where scratch stores
go, the user's S3 server, the dask cluster, and the instruction-counting run. Declared as the
selection's are (catalogue.options.Option), read and checked here: a bad value is a usage error
that names the option and what to write."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from zarrgauge import cpus
from zarrgauge.catalogue.options import Option
from zarrgauge.errors import usage_error
from zarrgauge.harness.dask.cluster import DEFAULT_THREADS, DEFAULT_WORKERS, ClusterOptions
from zarrgauge.objectstore.bucket import UserBucket, user_bucket

SCRATCH = Option("zarr_scratch", "ZARRGAUGE_SCRATCH",
                 "existing directory to hold scratch stores (default: system temp)", metavar="DIR")
INSTRUCTIONS = Option("zarr_instructions", None,
                      "count each benchmark's instructions into extra_info['instructions'], under valgrind, whose "
                      "dumps go to DIR; set by `zarrgauge instructions`, which runs pytest so", metavar="DIR")
S3_ENDPOINT = Option("zarr_s3_endpoint", "ZARRGAUGE_S3_ENDPOINT",
                     "your own S3 server instead of the moto server zarrgauge starts; credentials from "
                     "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY", metavar="URL")
S3_BUCKET = Option("zarr_s3_bucket", "ZARRGAUGE_S3_BUCKET",
                   "the bucket (and prefix) on that server; zarrgauge writes and deletes only below a fresh prefix "
                   "of its own there", metavar="NAME[/PREFIX]")
DASK_SCHEDULER = Option("dask_scheduler", "ZARRGAUGE_DASK_SCHEDULER",
                        "run the dask executor's cases on this running cluster instead of a LocalCluster of "
                        "zarrgauge's; its workers must read the local store (--zarr-scratch), so the cluster must "
                        "be on this machine", metavar="tcp://HOST:PORT")
DASK_WORKERS = Option("dask_workers", "ZARRGAUGE_DASK_WORKERS",
                      f"worker processes of zarrgauge's LocalCluster (default {DEFAULT_WORKERS})", metavar="N")
DASK_THREADS = Option("dask_threads", "ZARRGAUGE_DASK_THREADS",
                      f"threads per worker of zarrgauge's LocalCluster (default {DEFAULT_THREADS})", metavar="N")
MACHINE_LIMITS = Option("zarr_machine_limits", "ZARRGAUGE_MACHINE_LIMITS",
                        "measure the machine's memory copy, page-cache read and codec decode speeds (a second or "
                        "two) into the results' machine_info, for the report: on (default) or off", ("on", "off"),
                        metavar="on|off")
ENGINE_CONFORMANCE = Option("zarr_engine_conformance", "ZARRGAUGE_ENGINE_CONFORMANCE",
                            "the indexing conformance through tensorstore, zarrita.js and zarr 2: a representative "
                            "slice (default) or the full set (make conformance)", ("representative", "full"),
                            metavar="representative|full")
CPUS = Option("zarr_cpus", "ZARRGAUGE_CPUS",
              "run on these CPUs only, as taskset writes them (0, 0,1, 0-3); everything the run starts inherits "
              "them. One core takes the scheduler's placement of zarr's threads out of the timings, so that two "
              "runs of one side compare closely (the gate); the default is every CPU", metavar="LIST")
RUN_OPTIONS = (SCRATCH, INSTRUCTIONS, S3_ENDPOINT, S3_BUCKET, DASK_SCHEDULER, DASK_WORKERS, DASK_THREADS,
               MACHINE_LIMITS, ENGINE_CONFORMANCE, CPUS)


def given(config: pytest.Config, option: Option) -> str | None:
    """The option's value from pytest's command line or, when not given there, its environment variable."""
    return option.value(config.getoption(option.name, None))


def machine_limits_wanted(config: pytest.Config) -> bool:
    value = given(config, MACHINE_LIMITS) or "on"
    if value not in MACHINE_LIMITS.choices:
        raise usage_error(f"{MACHINE_LIMITS.source}: {value!r} is neither on nor off")
    return value == "on"


def engine_conformance_full(config: pytest.Config) -> bool:
    value = given(config, ENGINE_CONFORMANCE) or "representative"
    if value not in ENGINE_CONFORMANCE.choices:
        raise usage_error(f"{ENGINE_CONFORMANCE.source}: {value!r} is neither representative nor full")
    return value == "full"


def pin_cpus(config: pytest.Config) -> list[int] | None:
    """Pins the run to the CPUs --zarr-cpus names, and returns them; None when not given."""
    value = given(config, CPUS)
    if not value:
        return None
    chosen = cpus.parse(value, CPUS.source)
    cpus.pin(chosen)
    return sorted(chosen)


def user_bucket_of(config: pytest.Config) -> UserBucket | None:
    return user_bucket(given(config, S3_ENDPOINT), given(config, S3_BUCKET))


def _positive(config: pytest.Config, option: Option, default: int) -> int:
    value = given(config, option)
    if value is None:
        return default
    if not value.isdigit() or int(value) < 1:
        raise usage_error(f"{option.source}: {value!r} is not a positive whole number")
    return int(value)


def cluster_options(config: pytest.Config) -> ClusterOptions:
    return ClusterOptions(_positive(config, DASK_WORKERS, DEFAULT_WORKERS),
                          _positive(config, DASK_THREADS, DEFAULT_THREADS), given(config, DASK_SCHEDULER))


def scratch_parent(config: pytest.Config) -> Path | None:
    value = given(config, SCRATCH)
    if not value:
        return None
    path = Path(value)
    problem = ("does not exist" if not path.exists() else "is not a directory" if not path.is_dir()
               else "is not writable" if not os.access(path, os.W_OK | os.X_OK) else None)
    if problem:
        raise usage_error(f"{SCRATCH.source}: {path} {problem}; name an existing directory you can write to")
    return path
