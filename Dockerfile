# syntax=docker/dockerfile:1
# Build: docker build -t partnership-roadmap .
# Run:   docker compose up   (see compose.yaml: PostgreSQL beside the service)

FROM python:3.11-slim-bookworm AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /srv/roadmap
COPY requirements.lock ./
RUN python -m venv /opt/venv \
    && /opt/venv/bin/pip install -r requirements.lock
# The app reads templates/, roadmap/ and migrations/ from beside its package, so it is
# installed in place (editable) where it will run.
COPY pyproject.toml README.md alembic.ini ./
COPY app ./app
COPY templates ./templates
COPY roadmap ./roadmap
COPY migrations ./migrations
RUN /opt/venv/bin/pip install --no-deps -e .

FROM python:3.11-slim-bookworm AS runtime
# Pango and HarfBuzz are what WeasyPrint needs to render the agreement as PDF.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
       libpango-1.0-0=1.50.* libpangoft2-1.0-0=1.50.* libharfbuzz-subset0=6.0.* fonts-dejavu-core=2.37-* \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 10001 roadmap
COPY --from=build /opt/venv /opt/venv
COPY --from=build /srv/roadmap /srv/roadmap
WORKDIR /srv/roadmap
RUN mkdir -p data && chown roadmap:roadmap data
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    ENVIRONMENT=production
USER 10001
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["python", "-c", "import urllib.request, sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status != 200)"]
# Migrate, then serve. `roadmap db upgrade` is safe to run from every instance.
CMD ["sh", "-c", "roadmap db upgrade && exec roadmap serve --host 0.0.0.0 --port 8000 --workers ${WORKERS:-2}"]
