# bitext, CPU image: the HTTP service on port 8000.
#   docker build -t bitext .
#   docker run -p 8000:8000 -v bitext-data:/data bitext
# Models: mount a local Marian model directory and point BITEXT_MODEL_ZH_EN at it, or let the
# Hugging Face cache on the volume (/data/hf) hold models fetched where a network is allowed.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    BITEXT_DATA_DIR=/data \
    HF_HOME=/data/hf

WORKDIR /app

# The CPU build of the pinned torch first, so that installing bitext never pulls a CUDA build.
RUN pip install --index-url https://download.pytorch.org/whl/cpu torch==2.13.0

COPY pyproject.toml README.md ./
COPY service ./service
COPY models ./models
COPY alignment ./alignment
COPY quality ./quality
COPY seeds ./seeds
RUN pip install . \
    && useradd --create-home --uid 1000 bitext \
    && mkdir -p /data && chown bitext /data

USER bitext
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz')"
CMD ["bitext", "serve", "--host", "0.0.0.0", "--port", "8000", "--seeds", "/app/seeds"]
