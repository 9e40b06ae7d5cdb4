"""Benchmarks at national scale, run by ``python -m bench``: they print figures (not pass/fail
tests) and write ``bench/results.md`` with a description of the machine they ran on."""
