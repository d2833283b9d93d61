# Production-like image for web, worker and beat (see docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    # The code runs from /app (templates, static files and seed data live beside it).
    PYTHONPATH=/app \
    DJANGO_SETTINGS_MODULE=hub.settings.production \
    MEDIA_ROOT=/data/media

RUN groupadd --system app && useradd --system --gid app --home-dir /app --shell /usr/sbin/nologin app

# Times-compatible fonts with Vietnamese letters for the PDF report (Debian's older
# fonts-liberation lacks them).
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-liberation2 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Dependencies first, in their own layer: rebuilt only when pyproject.toml changes.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

COPY . .
# The English catalogue is compiled at build time: /app is not writable at run time.
RUN python -c "from pathlib import Path; from hub.i18n import compile_translations; compile_translations(Path('locale'))"
RUN pip install --no-deps . \
    # collectstatic imports the production settings, which demand these; the values
    # exist only for this build step and are not kept in the image.
    && SECRET_KEY=build-only-collectstatic-not-a-secret-0000000000 \
       ALLOWED_HOSTS=build.invalid \
       DATABASE_URL=postgres://build@build.invalid/build \
       REDIS_URL=redis://build.invalid:6379/0 \
       python manage.py collectstatic --noinput \
    && mkdir -p /data/media \
    && chown -R app:app /data

USER app
EXPOSE 8000

CMD ["gunicorn", "hub.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
