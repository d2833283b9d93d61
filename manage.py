#!/usr/bin/env python
import os
import sys


def main() -> None:
    # Naming no settings gets the production ones, which refuse to start without a
    # secret key and hosts: a deployment never falls into debug by omission.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings.production")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line
    from django.db import OperationalError

    try:
        execute_from_command_line(sys.argv)
    except ImproperlyConfigured as error:
        sys.exit(f"Configuration error: {error}")
    except OperationalError as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else repr(error)
        sys.exit(f"The database cannot be reached: {first_line}")


if __name__ == "__main__":
    main()
