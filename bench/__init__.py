"""Cụm Hub's benchmarks: `make bench`, or `python -m bench [NAME ...] [--quick]`.

Benchmarks print tables (median, p95, min, max against a goal); they never fail on
timing, and the test suite never asserts performance. Each benchmark builds its own
data under its own names (see `bench.world`) in the database it is given (the bench
profile's private PostgreSQL under `make bench`) and removes it afterwards, so runs
can follow one another. `tests/bench/test_bench_smoke.py` runs each on tiny sizes so
that `make bench` cannot rot.
"""
