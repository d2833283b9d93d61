"""Private PostgreSQL and Redis for `make run` and `make test` on a machine without them.

`python -m devservices run [--profile test] -- COMMAND...` starts what
DATABASE_URL/REDIS_URL do not already point at, runs COMMAND with both set, and
stops what it started. Importing this package pulls in nothing beyond the
standard library, so `make clean` works without the virtualenv.
"""
