"""Benchmarks are excluded from the default run (marker `bench`); run them with
`python -m pytest tests/bench -m bench -s` or `privdesk bench --size 1m`."""

import pytest


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/bench" in str(item.fspath):
            item.add_marker(pytest.mark.bench)
