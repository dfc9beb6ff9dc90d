#!/usr/bin/env bash
# Build the bitext image with docker or podman and check it as a user would run it:
#   non-root user; /healthz within 120 s; the health check turns healthy; the seeds ingested and
#   their shared-topics alignment done; /v1/translate 503 (one-line fix) without a model and 200
#   with the tiny test model mounted; the data kept when a new container takes the same volume;
#   a rebuild after a one-file change reusing the dependency layer.
# The last line says what was checked, with the image size and the build times.
#
#   scripts/test-image.sh
#
# Environment (all optional):
#   ENGINE       docker or podman (default: the first whose engine answers)
#   IMAGE        tag to build (default bitext:test)
#   BASE         base image (default python:3.11-slim from the registry; when that cannot be
#                pulled, a Debian bookworm base built here with debootstrap, kept as
#                localhost/bitext-base:bookworm)
#   TORCH_INDEX  the Dockerfile's build argument (default: its own, PyTorch's CPU index; when that
#                index is out of reach, empty: the pinned torch comes from pip's configuration)
# With podman, the host's pip configuration (`pip config list`: indexes, find-links, constraints,
# CA bundle) is mounted into the build, with the local files and directories it names, and the
# build uses the host network. Nothing listens beyond 127.0.0.1; containers, the volume, the
# rebuild's image and temporary files are removed on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

say() { printf 'test-image: %s\n' "$*"; }
fail() {
    printf 'test-image: FAIL: %s\n' "$*" >&2
    exit 1
}
now() { date +%s.%N; }
since() { python3 -c 'import sys; print(f"{float(sys.argv[2]) - float(sys.argv[1]):.0f}")' "$1" "$(now)"; }

command -v python3 >/dev/null || fail "python3 is needed (to read pyproject.toml, pip's configuration and JSON)"
command -v curl >/dev/null || fail "curl is needed"

# --- engine ---------------------------------------------------------------------------------
engine=${ENGINE:-}
if [ -z "$engine" ]; then
    for candidate in docker podman; do
        if command -v "$candidate" >/dev/null && timeout 60 "$candidate" info >/dev/null 2>&1; then
            engine=$candidate
            break
        fi
    done
fi
[ -n "$engine" ] || fail "no container engine answers (docker info / podman info)"
image=${IMAGE:-bitext:test}
rebuild_image=$image-rebuild
run_id=bitext-test-$$
volume=$run_id
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bitext-image.XXXXXX")
containers=()

cleanup() {
    local status=$?
    for name in "${containers[@]}"; do
        "$engine" rm -f "$name" >/dev/null 2>&1 || true
    done
    "$engine" volume rm -f "$volume" >/dev/null 2>&1 || true
    "$engine" rmi "$rebuild_image" >/dev/null 2>&1 || true
    rm -rf "$tmp"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- base image -----------------------------------------------------------------------------
debian_mirror() {  # the host's Debian mirror, from apt's sources
    local uri
    uri=$(cat /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null \
        | grep -oE '(https?://[^ ]*/debian)/?( |$)' | grep -v security | head -n 1 | tr -d ' ') || true
    echo "${uri:-http://deb.debian.org/debian}"
}

build_debian_base() {  # Debian bookworm (Python 3.11) with debootstrap, imported as $1
    command -v debootstrap >/dev/null || fail "no registry and no debootstrap to build a base image"
    local mirror started
    mirror=$(debian_mirror)
    started=$(now)
    say "building a Debian bookworm base with debootstrap from $mirror"
    debootstrap --variant=minbase --include=python3,python3-venv bookworm "$tmp/rootfs" "$mirror" \
        >"$tmp/debootstrap.log" 2>&1 || { tail -n 20 "$tmp/debootstrap.log"; fail "debootstrap"; }
    # As Debian's slim images: no package lists or caches, manuals, translations or docs.
    rm -rf "$tmp"/rootfs/var/cache/apt/* "$tmp"/rootfs/var/lib/apt/lists/* \
        "$tmp"/rootfs/usr/share/{man,info,locale}/*
    find "$tmp/rootfs/usr/share/doc" -type f ! -name copyright -delete
    tar -C "$tmp/rootfs" -c . | "$engine" import - "$1" >/dev/null 2>"$tmp/import.log" \
        || { cat "$tmp/import.log" >&2; fail "$engine import"; }
    rm -rf "$tmp/rootfs"
    say "base $1 built in $(since "$started") s"
}

base=${BASE:-}
if [ -z "$base" ]; then
    base=docker.io/library/python:3.11-slim
    if ! "$engine" image inspect "$base" >/dev/null 2>&1 \
        && ! timeout 300 "$engine" pull -q "$base" >/dev/null 2>&1; then
        say "cannot pull $base: using a local Debian base"
        base=localhost/bitext-base:bookworm
        "$engine" image inspect "$base" >/dev/null 2>&1 || build_debian_base "$base"
    fi
fi

# --- build options --------------------------------------------------------------------------
build_opts=(--build-arg "BASE=$base")
torch_index=${TORCH_INDEX-}
if [ -z "${TORCH_INDEX+set}" ]; then
    default_index=https://download.pytorch.org/whl/cpu
    if ! curl -sf -o /dev/null --max-time 20 "$default_index/torch/"; then
        say "$default_index is out of reach: torch comes from pip's configuration"
        torch_index=
        build_opts+=(--build-arg TORCH_INDEX=)
    fi
else
    build_opts+=(--build-arg "TORCH_INDEX=$torch_index")
fi

if [ "$engine" = podman ]; then
    # HEALTHCHECK is kept in the docker format only; pip's configuration travels as mounts.
    build_opts+=(--format docker --network host)
    python3 -m pip config list >"$tmp/pip-config.list" 2>/dev/null || true
    python3 - "$tmp/pip-config.list" "$tmp/pip.conf" >"$tmp/pip-mounts" <<'PY'
"""pip.conf from `pip config list` (environment last, as pip ranks it); print the local paths."""
import ast, configparser, os, sys
from urllib.parse import unquote, urlparse

entries = []
for line in open(sys.argv[1], encoding="utf-8"):
    name, sep, value = line.rstrip("\n").partition("=")
    if sep and "." in name:
        scope, key = name.split(".", 1)
        entries.append((scope == ":env:", "global" if scope == ":env:" else scope, key, value))
config = configparser.ConfigParser(interpolation=None)
paths = []
for _, section, key, raw in sorted(entries, key=lambda e: e[0]):
    try:
        value = str(ast.literal_eval(raw))
    except (ValueError, SyntaxError):
        value = raw
    if not config.has_section(section):
        config.add_section(section)
    config.set(section, key, value)
    for token in value.split():
        path = unquote(urlparse(token).path) if token.startswith("file:") else token
        if key.endswith("index-url") and token.startswith("file:"):
            # A local index's pages link to files beside it (../../files/...): mount its parent.
            path = os.path.dirname(path.rstrip("/")) or path
        if path.startswith("/") and os.path.exists(path) and path not in paths:
            paths.append(path)
with open(sys.argv[2], "w", encoding="utf-8") as out:
    config.write(out)
print(*paths, sep="\n")
PY
    if [ -s "$tmp/pip.conf" ]; then
        chmod 644 "$tmp/pip.conf"
        build_opts+=(-v "$tmp/pip.conf:/etc/pip.conf:ro")
        while IFS= read -r path; do
            [ -n "$path" ] && build_opts+=(-v "$path:$path:ro")
        done <"$tmp/pip-mounts"
        say "pip configuration mounted into the build: $(tr '\n' ' ' <"$tmp/pip-mounts")"
    fi
fi

export BUILDKIT_PROGRESS=plain  # docker with BuildKit: one line a step, "CACHED" in the log
build() {  # tag context log: build, print the seconds it took
    local started
    started=$(now)
    if ! "$engine" build "${build_opts[@]}" "${@:4}" -t "$1" -f "$root/Dockerfile" "$2" >"$3" 2>&1; then
        tail -n 40 "$3" >&2
        fail "$engine build failed (log above)"
    fi
    since "$started"
}

# The build context: the working tree's files that git tracks or does not ignore (so that the
# one-file change below happens in a copy), filtered again by .dockerignore.
mkdir -p "$tmp/context"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    git ls-files -z --cached --others --exclude-standard \
        | while IFS= read -r -d '' file; do [ -e "$file" ] && printf '%s\0' "$file"; done \
        | tar --null -T - -c | tar -x -C "$tmp/context"
else
    tar --exclude=./.venv --exclude=./.git -c . | tar -x -C "$tmp/context"
fi

# A cold build: the previous run's image goes first, with the leftovers of failed builds (a
# stale chain of cached steps would otherwise be taken for the rebuild's cache).
"$engine" rmi "$image" "$rebuild_image" >/dev/null 2>&1 || true
"$engine" image prune -f --filter label=org.opencontainers.image.title=bitext >/dev/null 2>&1 || true
say "building $image with $engine from $base (cold: --no-cache)"
cold_s=$(build "$image" "$tmp/context" "$tmp/build-cold.log" --no-cache)
size_bytes=$("$engine" image inspect --format '{{.Size}}' "$image")
size_mb=$((size_bytes / 1000000))
torch_build=$("$engine" run --rm --network none "$image" python -c \
    'import torch; print(torch.__version__, "CUDA " + torch.version.cuda if torch.version.cuda else "CPU")' \
    2>"$tmp/torch.err") || { cat "$tmp/torch.err" >&2; fail "torch does not import in the image"; }
say "built in $cold_s s, $size_mb MB, torch $torch_build"
case $torch_build in
*CUDA*) [ -n "${TORCH_INDEX+set}" ] || fail "a CUDA torch where the CPU build was meant: set TORCH_INDEX" ;;
esac

# --- run ------------------------------------------------------------------------------------
key=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
auth=(-H "Authorization: Bearer $key")
"$engine" volume create "$volume" >/dev/null

start() {  # name, extra run options: start a container on the volume, print its address
    containers+=("$1")
    "$engine" run -d --name "$1" -p 127.0.0.1::8000 -v "$volume:/data" \
        -e "BITEXT_API_KEYS=$key" -e HF_HUB_OFFLINE=1 "${@:2}" "$image" >/dev/null 2>"$tmp/$1.err" \
        || { cat "$tmp/$1.err" >&2; fail "$engine run $1"; }
    local address
    address=$("$engine" port "$1" 8000 | head -n 1)
    echo "http://${address/0.0.0.0/127.0.0.1}"
}

logs() { "$engine" logs "$1" 2>&1 | tail -n 30 >&2; }

wait_healthz() {  # name url: /healthz within 120 s; print the seconds it took
    local started=$SECONDS
    until curl -sf -o /dev/null --max-time 5 "$2/healthz"; do
        if ((SECONDS - started > 120)); then
            logs "$1"
            fail "/healthz did not answer within 120 s"
        fi
        sleep 1
    done
    echo $((SECONDS - started))
}

get() { curl -sS --max-time 60 "${auth[@]}" "$@"; }
json() { python3 -c "import json, sys; d = json.load(sys.stdin); print($1)"; }

c1=$run_id-1
url=$(start "$c1")
user=$("$engine" exec "$c1" id -u)
[ "$user" != 0 ] || fail "the container runs as root"
say "runs as $("$engine" exec "$c1" id -un) (uid $user)"
healthz_s=$(wait_healthz "$c1" "$url")
say "/healthz answered after $healthz_s s"

# Health check: docker runs it on its own; podman runs it from systemd timers, which a machine
# without systemd lacks, so here it is run by hand (`podman healthcheck run`) until it passes.
health=
started=$SECONDS
while ((SECONDS - started < 180)); do
    if [ "$engine" = podman ]; then
        "$engine" healthcheck run "$c1" >/dev/null 2>&1 || true
    fi
    health=$("$engine" inspect --format '{{.State.Health.Status}}' "$c1")
    [ "$health" = healthy ] && break
    sleep 5
done
[ "$health" = healthy ] || fail "health check: $health after 180 s"
say "health check: healthy"

seeds=$(find "$root/seeds" -maxdepth 1 -name '*.txt' | wc -l)
documents=$(get "$url/v1/documents" | json 'len(d["documents"])')
[ "$documents" = "$seeds" ] || fail "$documents documents stored, expected the $seeds seeds"

started=$SECONDS
while :; do
    status=$(get "$url/v1/alignments/1" | json 'd["status"]')
    case $status in
    done) break ;;
    failed) logs "$c1"; fail "the seeds' alignment failed" ;;
    esac
    if ((SECONDS - started > 900)); then
        logs "$c1"
        fail "the seeds' alignment is still $status after 900 s"
    fi
    sleep 5
done
align_s=$((SECONDS - started))
say "$documents seeds stored; their alignment done after $align_s s more"

translate() {  # url: POST the README's example, print the HTTP status and save the body
    curl -sS --max-time 300 -o "$tmp/translate.json" -w '%{http_code}' "${auth[@]}" \
        -H 'content-type: application/json' \
        -d '{"text": "省委政法工作会议在太原召开。", "source": "zh", "target": "en"}' "$1/v1/translate"
}
code=$(translate "$url")
detail=$(json 'd["detail"]' <"$tmp/translate.json")
[ "$code" = 503 ] || fail "/v1/translate without a model: HTTP $code, expected 503"
case $detail in
*BITEXT_MODEL_ZH_EN*) ;;
*) fail "/v1/translate's 503 does not say how to fix it: $detail" ;;
esac
[ "$(printf '%s\n' "$detail" | wc -l)" = 1 ] || fail "the 503's fix is not one line: $detail"
say "/v1/translate without a model: 503, $detail"

noauth=$(curl -s -o /dev/null -w '%{http_code}' --max-time 30 "$url/v1/documents")
case $noauth in
401 | 403) keys="API keys enforced" ;;
*) keys="API key sent (this build does not require one)" ;;
esac

"$engine" stop -t 30 "$c1" >/dev/null 2>&1
"$engine" rm "$c1" >/dev/null 2>&1

# The tiny random-weight Marian model of the tests, built inside the image (no network).
mkdir -p "$tmp/models"
"$engine" run --rm --network none --user 0 -v "$root/tests:/src/tests:ro" \
    -v "$root/seeds:/src/seeds:ro" -v "$tmp/models:/out" "$image" python -c \
    "import sys; sys.path.insert(0, '/src/tests'); from pathlib import Path; \
from tiny_model import build_tiny_marian; build_tiny_marian(Path('/out/zh-en'), 'zh', 'en')" \
    >"$tmp/tiny-model.log" 2>&1 || { tail -n 20 "$tmp/tiny-model.log"; fail "building the tiny model"; }
chmod -R a+rX "$tmp/models"

# A new container on the same volume, with the model mounted read-only.
c2=$run_id-2
url=$(start "$c2" -v "$tmp/models/zh-en:/models/zh-en:ro" -e BITEXT_MODEL_ZH_EN=/models/zh-en)
wait_healthz "$c2" "$url" >/dev/null
documents=$(get "$url/v1/documents" | json 'len(d["documents"])')
status=$(get "$url/v1/alignments/1" | json 'd["status"]')
if [ "$documents" != "$seeds" ] || [ "$status" != "done" ]; then
    fail "after the restart on the same volume: $documents documents, alignment $status"
fi
say "restart on the same volume: $documents documents, alignment 1 still done"
code=$(translate "$url")
[ "$code" = 200 ] || { cat "$tmp/translate.json" >&2; logs "$c2"; fail "/v1/translate with the tiny model: HTTP $code"; }
text=$(json 'd["translations"][0]["text"]' <"$tmp/translate.json")
say "/v1/translate with the tiny model: 200 (random weights: ${text:0:40}...)"

# --- rebuild after a one-file change --------------------------------------------------------
echo "# rebuild check" >>"$tmp/context/service/__init__.py"
rebuild_s=$(build "$rebuild_image" "$tmp/context" "$tmp/build-rebuild.log")
# The dependency step (the RUN that installs requirements.txt) must come from the cache.
if ! awk '/RUN .*requirements\.txt/ { step = 1; next }
          step && /^(STEP |#[0-9]+ \[)/ { exit }
          step && /Using cache|CACHED/ { found = 1; exit }
          END { exit !found }' "$tmp/build-rebuild.log"; then
    grep -E 'STEP|Using cache|CACHED' "$tmp/build-rebuild.log" >&2 || true
    fail "the rebuild after a one-file change did not reuse the dependency layer"
fi
say "rebuilt after a one-file change in $rebuild_s s, dependency layer from the cache"

printf 'image ok: %s %s MB, cold build %s s, rebuild %s s (%s, base %s, torch %s); uid %s, healthz %s s, healthy, %s seeds aligned, translate 503 then 200, data kept across containers, %s\n' \
    "$image" "$size_mb" "$cold_s" "$rebuild_s" "$engine" "$base" "$torch_build" "$user" "$healthz_s" "$seeds" "$keys"
