# Production image: gunicorn serves mediation.wsgi; the same image runs the Celery
# worker and beat (see docker-compose.yml).

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

# --- Application -------------------------------------------------------------------
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app \
    DJANGO_SETTINGS_MODULE=mediation.settings \
    DEBUG=0

# gettext: msgfmt for compilemessages.
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --create-home --uid 10001 --user-group app

WORKDIR /app

# Dependencies first, in their own layer, so a code change does not reinstall them.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

COPY . .
COPY --from=assets /src/static/vendor static/vendor
RUN pip install . \
    && rm -rf build *.egg-info

# Settings refuse to start with DEBUG=0 and no keys: build-time placeholders only.
RUN SECRET_KEY=build-only-placeholder FIELD_HASH_KEY=build-only-placeholder \
    FIELD_ENCRYPTION_KEYS=YnVpbGQtb25seS1wbGFjZWhvbGRlci1ub3QtYS1rZXk= \
    sh -c "python manage.py compilemessages && python manage.py collectstatic --noinput" \
    && mkdir -p media \
    && chown -R app:app staticfiles media

USER app
EXPOSE 8000
CMD ["gunicorn", "mediation.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
