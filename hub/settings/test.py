import os

# Before the base settings read it: this session's queues, inherited by its workers.
os.environ.setdefault("HUB_QUEUE_SUFFIX", f"-test{os.getpid()}")

from hub.settings.base import *  # noqa: F403
from hub.settings.base import HUB_DOMAIN

DEBUG = False
SECRET_KEY = "test-only-not-secret"
ALLOWED_HOSTS = ["localhost", ".localhost", "testserver", f".{HUB_DOMAIN}", HUB_DOMAIN]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Several test sessions may share one PostgreSQL server (developers' parallel runs):
# each gets its own test database, which pytest-django drops at the end.
DATABASES["default"]["TEST"] = {  # noqa: F405
    "NAME": f"test_{DATABASES['default']['NAME']}_{os.getpid()}"  # noqa: F405
}
