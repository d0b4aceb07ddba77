"""A stand-in for pytest-benchmark's fixture, for self-tests that call the harness directly."""


class RecordingBenchmark:
    """Calls the function once (pedantic: once per round), and keeps the group and extra_info."""

    def __init__(self):
        self.group, self.extra_info = None, {}

    def __call__(self, function, *args):
        return function(*args)

    def pedantic(self, target, args=(), setup=None, rounds=1):
        for _ in range(rounds):
            prepared = setup() if setup is not None else None  # (args, kwargs), or None to keep `args`
            call_args, kwargs = prepared or (args, {})
            result = target(*call_args, **kwargs)
        return result
