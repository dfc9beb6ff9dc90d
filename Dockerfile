# bitext, CPU image: the HTTP service on port 8000, its data dir on the /data volume.
#   docker build -t bitext .
#   docker run -p 127.0.0.1:8000:8000 -v bitext-data:/data -e BITEXT_API_KEYS=KEY bitext
# Models: mount a local Marian model directory read-only and point BITEXT_MODEL_ZH_EN at it
#   (-v /path/to/opus-mt-zh-en:/models/zh-en:ro -e BITEXT_MODEL_ZH_EN=/models/zh-en), or let the
#   Hugging Face cache on the volume (/data/hf) hold models fetched where a network is allowed.
# Build arguments (the README's Docker section has more):
#   BASE         any Debian-based image with Python 3.11 and its venv module
#   TORCH_INDEX  where the pinned torch comes from: PyTorch's CPU index by default; for CUDA,
#                e.g. https://download.pytorch.org/whl/cu128 (run with --gpus all); empty: pip's
#                configured index (on PyPI, Linux, that is the CUDA build)
# scripts/test-image.sh builds this image with docker or podman and checks it.
ARG BASE=python:3.11-slim
FROM ${BASE}
# Marks this image and its build's intermediate images (scripts/test-image.sh prunes stale ones).
LABEL org.opencontainers.image.title=bitext

ARG TORCH_INDEX=https://download.pytorch.org/whl/cpu

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH \
    BITEXT_DATA_DIR=/data \
    HF_HOME=/data/hf

# A virtual environment, so that a distribution's Python (PEP 668) works as well as python:3.11.
RUN python3 -m venv /opt/venv \
    && useradd --create-home --uid 1000 bitext \
    && mkdir -p /data && chown bitext:bitext /data

# Dependencies, from pyproject.toml alone: a code change leaves this layer cached. The pinned
# torch first, from TORCH_INDEX, so that the rest never pulls another build of it.
WORKDIR /app
COPY pyproject.toml /tmp/deps/pyproject.toml
RUN cd /tmp/deps \
    && python -c "import tomllib; p = tomllib.load(open('pyproject.toml', 'rb')); \
print(*p['build-system']['requires'], *p['project']['dependencies'], sep='\n')" > requirements.txt \
    && grep -E '^torch([=<>!~ ;[]|$)' requirements.txt > torch.txt \
    && pip install ${TORCH_INDEX:+--index-url "$TORCH_INDEX"} -r torch.txt \
    && pip install -r requirements.txt \
    && cd / && rm -rf /tmp/deps

# The code (.dockerignore keeps out the venv, git, data, caches and test output).
COPY . /app
RUN pip install --no-deps --no-build-isolation . \
    && rm -rf build ./*.egg-info

USER bitext
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz')"
CMD ["bitext", "serve", "--host", "0.0.0.0", "--port", "8000", "--seeds", "/app/seeds"]
