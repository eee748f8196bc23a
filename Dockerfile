# The movemap web service: the dashboard and the API (waitress) on port 8000, as a non-root user.
#
# With its Neo4j store: `docker compose up --build` (docker-compose.yml; see the README).
# Alone, it keeps everything (SQLite store, accounts, the generated secret) in the /data volume:
#   docker build -t movemap .
#   docker run -p 8000:8000 -e MOVEMAP_SECRET_KEY=... -v movemap-data:/data movemap
# Settings come from the environment (service/config.py): MOVEMAP_STORE, MOVEMAP_ACCOUNTS,
# MOVEMAP_SECRET_KEY, MOVEMAP_DATA_DIR, MOVEMAP_COOKIE_SECURE.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN groupadd --system --gid 10001 movemap \
    && useradd --system --uid 10001 --gid movemap --create-home --home-dir /home/movemap \
        --shell /usr/sbin/nologin movemap \
    && mkdir /data \
    && chown movemap:movemap /data

WORKDIR /app

# The dependencies first, in their own layer, so that a change to movemap's code does not
# reinstall numpy, scipy and numba. Versions are pinned by constraints.txt, as scripts/bootstrap does.
COPY pyproject.toml constraints.txt ./
RUN python -c "import tomllib; print(*tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies'], sep='\n')" > /tmp/requirements.txt \
    && pip install -c constraints.txt -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

COPY README.md ./
COPY graph ./graph
COPY service ./service
COPY dashboards ./dashboards
RUN pip install -c constraints.txt . \
    && rm -rf build ./*.egg-info

# Everything the service writes lives in /data (mount a volume there); numba keeps its compiled
# kernels in the user's cache, as site-packages is read-only for that user.
ENV MOVEMAP_DATA_DIR=/data \
    MOVEMAP_ACCOUNTS=sqlite:////data/movemap-accounts.db \
    MOVEMAP_STORE=sqlite:////data/movemap.db \
    NUMBA_CACHE_DIR=/home/movemap/.cache/numba

USER movemap
WORKDIR /data
EXPOSE 8000

# /health answers 200 without signing in. The first start compiles the analysis kernels (about
# ten seconds on two cores) before the server listens, hence the start period.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=4)"]

CMD ["movemap", "serve", "--host", "0.0.0.0", "--port", "8000"]
