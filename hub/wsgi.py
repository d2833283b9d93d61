import os

from django.core.wsgi import get_wsgi_application

# Naming no settings gets the production ones, which refuse to start without a
# secret key and hosts: a deployment never falls into debug by omission.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings.production")
application = get_wsgi_application()
