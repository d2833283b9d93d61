from tests.reviews.conftest import seed_002_cluster  # noqa: F401  (shared fixture)
