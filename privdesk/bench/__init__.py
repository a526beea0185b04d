"""Benchmarks for `privdesk bench` and tests/bench: each figure beside a baseline
measured in the same run (plain SQLite with the same data, raw ReportLab)."""
