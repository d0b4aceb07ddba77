"""The S3 clients as zarrgauge builds them for a Location (zarrgauge.objectstore.s3): where they point,
the two settings of the tuned s3fs client, and a Patience that replaces the clients' own retries.
Building a client sends no request; the clients against a real server are in test_remote.py."""

from datetime import timedelta

import zarr

from zarrgauge.catalogue.networks import CONCURRENCY_SWEEP
from zarrgauge.objectstore.location import Location
from zarrgauge.objectstore.patience import IMPATIENT, obstore_patience
from zarrgauge.objectstore.s3 import is_remote, obstore_store, s3fs_filesystem

CREDENTIALS = {"access_key_id": "id", "secret_access_key": "secret", "region": "eu-west-3"}
HERE = Location("http://127.0.0.1:9", "bucket", "run-1/array/", CREDENTIALS)


def test_the_obstore_client_writes_under_the_location_only():
    store = obstore_store(HERE)
    assert is_remote(store)
    client = store.store
    assert str(client.prefix) == "run-1/array" and client.config["bucket"] == "bucket"
    assert client.config["endpoint"] == HERE.endpoint and client.config["region"] == "eu-west-3"


def test_s3fs_is_tuned_only_when_asked_and_then_lets_the_concurrency_sweep_through():
    plain, tuned = s3fs_filesystem(HERE, tuned=False), s3fs_filesystem(HERE, tuned=True)
    assert plain.client_kwargs == {"region_name": "eu-west-3"} and plain.endpoint_url == HERE.endpoint
    assert "max_pool_connections" not in plain.config_kwargs
    assert tuned.max_concurrency == 1  # no HEAD before each GET (fsspec/s3fs #1027)
    assert tuned.config_kwargs["max_pool_connections"] >= max(*CONCURRENCY_SWEEP, zarr.config.get("async.concurrency"))


def test_a_patience_replaces_the_retries_of_both_clients():
    fs = s3fs_filesystem(HERE, tuned=True, patience=IMPATIENT)
    assert fs.retries == IMPATIENT.retries + 1
    assert fs.config_kwargs["retries"] == {"max_attempts": IMPATIENT.retries}
    assert fs.config_kwargs["max_pool_connections"] >= max(CONCURRENCY_SWEEP)  # kept beside the patience
    retry = obstore_patience(IMPATIENT)["retry_config"]
    backoffs = sum((timedelta(seconds=IMPATIENT.backoff) * 2**n for n in range(IMPATIENT.retries)), timedelta())
    assert retry["max_retries"] == IMPATIENT.retries
    assert retry["retry_timeout"] > IMPATIENT.retries * timedelta(seconds=IMPATIENT.timeout) + backoffs
