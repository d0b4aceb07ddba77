"""Your own S3 server (--zarr-s3-endpoint, --zarr-s3-bucket): checked before any test runs, and
written only below a fresh prefix of zarrgauge's own. A moto server started here plays yours."""

import urllib.request

import obstore
import pytest

from zarrgauge.objectstore.bucket import Bucket
from zarrgauge.objectstore.servers import CREDENTIALS, free_port, start_moto
from zarrgauge.testing.subprocesses import run_pytest

CASE = "seasonal-series/chunks=8x64x64/zarr-default/v3/s3-obstore"
AWS = {"AWS_ACCESS_KEY_ID": "yours", "AWS_SECRET_ACCESS_KEY": "yours"}


@pytest.fixture(scope="module")
def your_server():
    with start_moto() as server:
        urllib.request.urlopen(urllib.request.Request(f"{server.url}/yours", method="PUT")).close()
        yours = Bucket(server.url, "yours", "", credentials=CREDENTIALS)
        obstore.put(yours.root_store(), "data/keep.txt", b"mine")
        yield server.url, yours


def test_a_run_writes_only_below_its_own_prefix_and_empties_it(your_server):
    url, yours = your_server
    result = run_pytest("benchmarks/test_read_time.py", "benchmarks/test_write.py", f"--zarr-case={CASE}",
                        f"--zarr-s3-endpoint={url}", "--zarr-s3-bucket=yours/data", env=AWS)
    assert result.returncode == 0 and "2 passed" in result.stdout, result.stdout[-2000:]
    assert yours.keys() == ["data/keep.txt"]


@pytest.mark.parametrize("args, env, message", [
    (["--zarr-s3-endpoint={url}"], AWS, "--zarr-s3-endpoint and --zarr-s3-bucket go together"),
    (["--zarr-s3-endpoint={url}", "--zarr-s3-bucket=nothing-here"], AWS, "no bucket 'nothing-here' at"),
    (["--zarr-s3-endpoint={url}", "--zarr-s3-bucket=yours"], {}, "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"),
    (["--zarr-s3-endpoint=http://127.0.0.1:{closed}", "--zarr-s3-bucket=yours"], AWS, "cannot list"),
    (["--zarr-s3-endpoint=s3.example.org", "--zarr-s3-bucket=yours"], AWS, "is not an http:// or https:// URL"),
])
def test_a_bad_server_is_one_line_before_any_test(your_server, args, env, message):
    url, _ = your_server
    result = run_pytest("benchmarks", "--co", *(arg.format(url=url, closed=free_port()) for arg in args), env=env)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.returncode == pytest.ExitCode.USAGE_ERROR, result.stdout[-1000:] + result.stderr
    assert len(lines) == 1 and message in lines[0], lines
