import os

# Before the base settings read it: this session's queues, inherited by the Celery
# workers it starts. Under pytest-xdist every test process has its own database, so
# each needs its own queues too (they inherit the controller's environment).
_xdist_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if not os.environ.get("HUB_QUEUE_SUFFIX", "").endswith(f"-test{_xdist_worker}"):
    os.environ["HUB_QUEUE_SUFFIX"] = f"-{os.getpid()}-test{_xdist_worker}"

from hub.settings.base import *  # noqa: E402, F403
from hub.settings.base import HUB_DOMAIN  # noqa: E402

DEBUG = False
SECRET_KEY = "test-only-not-secret"
ALLOWED_HOSTS = ["localhost", ".localhost", "testserver", f".{HUB_DOMAIN}", HUB_DOMAIN]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Several test sessions may share one PostgreSQL server (developers' parallel runs,
# xdist's processes): each gets its own test database, which pytest-django drops at
# the end, and (with its workers) its own cache prefix on the shared Redis.
_TEST_DATABASE = f"test_{DATABASES['default']['NAME']}_{os.getpid()}"  # noqa: F405
DATABASES["default"]["TEST"] = {"NAME": _TEST_DATABASE}  # noqa: F405
CACHES["default"]["KEY_PREFIX"] = f"cache{os.environ['HUB_QUEUE_SUFFIX']}"  # noqa: F405
