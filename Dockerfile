# Production image: gunicorn serves mediation.wsgi; the same image runs the migrations,
# the Celery worker and beat (see docker-compose.yml). The project is installed from its
# wheel, as tests/deploy/test_wheel.py proves it starts: no source tree in the image.

# --- Front-end assets: npm ci, then copy the dist files into static/vendor/ ---------
FROM python:3.11-slim AS assets
RUN apt-get update \
    && apt-get install -y --no-install-recommends nodejs npm \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY scripts/vendor_assets.sh scripts/
RUN bash scripts/vendor_assets.sh

# --- The wheel: code, migrations, templates, translations and static files ----------
# Built with static/vendor in place, so the wheel carries the front-end assets too.
FROM python:3.11-slim AS wheel
WORKDIR /src
COPY . .
COPY --from=assets /src/static/vendor static/vendor
RUN pip wheel --no-deps --no-cache-dir --wheel-dir /wheels .

# --- Application -------------------------------------------------------------------
FROM python:3.11-slim
# Where the site keeps its state: the collected static files (built into the image),
# uploads and job results (MEDIA_ROOT) and complaint attachments (PRIVATE_MEDIA_ROOT),
# the last two on volumes (docker-compose.yml).
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=mediation.settings \
    DEBUG=0 \
    STATIC_ROOT=/app/staticfiles \
    MEDIA_ROOT=/app/media \
    PRIVATE_MEDIA_ROOT=/app/private

RUN useradd --system --create-home --uid 10001 --user-group app

WORKDIR /app

# Dependencies first, in their own layer, so a code change does not reinstall them.
COPY pyproject.toml /tmp/
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('/tmp/pyproject.toml', 'rb'))['project']['dependencies']))" > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt /tmp/pyproject.toml

COPY --from=wheel /wheels /tmp/wheels
RUN pip install /tmp/wheels/*.whl \
    && rm -rf /tmp/wheels

# Settings refuse to start with DEBUG=0 and no keys: build-time placeholders only.
# The translations are compiled in the wheel already (the .mo is kept in git, and a test
# keeps it in step with the .po). A named volume starts as a copy of the image's folder,
# owner included, so media/ and private/ are the app user's on a new volume too.
RUN SECRET_KEY=build-only-placeholder FIELD_HASH_KEY=build-only-placeholder \
    FIELD_ENCRYPTION_KEYS=YnVpbGQtb25seS1wbGFjZWhvbGRlci1ub3QtYS1rZXk= \
    mediator-registry collectstatic --noinput \
    && mkdir -p "$MEDIA_ROOT" "$PRIVATE_MEDIA_ROOT" \
    && chown app:app "$MEDIA_ROOT" "$PRIVATE_MEDIA_ROOT" \
    && chmod 0750 "$PRIVATE_MEDIA_ROOT"

USER app
EXPOSE 8000
# Workers, threads and port: mediation/gunicorn_conf.py (WEB_CONCURRENCY, GUNICORN_THREADS).
CMD ["gunicorn", "-c", "python:mediation.gunicorn_conf", "mediation.wsgi:application", "--access-logfile", "-"]
