from hub.settings.base import *  # noqa: F403
from hub.settings.base import HUB_DOMAIN
from hub.settings.env import env_bool, env_str

DEBUG = env_bool("DEBUG", default=True)
# A fixed key is acceptable only here: dev settings never serve real users.
SECRET_KEY = env_str("SECRET_KEY", default="dev-only-not-secret")
ALLOWED_HOSTS = ["localhost", "127.0.0.1", ".localhost", f".{HUB_DOMAIN}", HUB_DOMAIN]
