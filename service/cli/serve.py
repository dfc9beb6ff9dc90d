"""`bitext serve`: the HTTP service (API, views, metrics) under uvicorn."""

from __future__ import annotations

import argparse
import errno
import ipaddress
import logging
import socket
from pathlib import Path

from service.cli.engine import add_engine_arguments, engine_settings, fetch_models
from service.settings import REPO_SEEDS
from text.errors import InputError


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "serve",
        help="run the HTTP service",
        description="Serve the translation API, the corpus, alignments and side-by-side views. "
        "Limits and other settings come from BITEXT_* variables (docs/service.md).",
    )
    parser.add_argument("--host", default="127.0.0.1", help="interface (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    add_engine_arguments(parser, model_help="zh→en model: hub id or local directory")
    parser.add_argument("--model-en-zh", help="en→zh model: hub id or local directory")
    parser.add_argument("--data-dir", type=Path, help="store, caches, conversions")
    parser.add_argument(
        "--seeds",
        type=Path,
        default=REPO_SEEDS if REPO_SEEDS.is_dir() else None,
        help="directory of *.txt documents ingested at start (default: the repo's seeds/)",
    )
    parser.add_argument("--no-seeds", action="store_true", help="ingest nothing at start")
    parser.add_argument(
        "--no-auth",
        action="store_true",
        help="serve a non-loopback --host without API keys (BITEXT_API_KEYS): anyone who reaches "
        "the port may add documents and queue jobs",
    )
    parser.add_argument("--log-level", default="info", help="uvicorn log level")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import uvicorn

    settings = engine_settings(
        args, data_dir=args.data_dir, model_zh_en=args.model, model_en_zh=args.model_en_zh
    )
    seeds = None if args.no_seeds else args.seeds
    if seeds is not None and not seeds.is_dir():
        raise InputError(f"--seeds {seeds}: not a directory")
    from service.api_keys import ApiKeys

    if (
        not is_loopback(args.host)
        and not args.no_auth
        and not ApiKeys.from_settings(settings).enabled
    ):
        raise InputError(
            f"--host {args.host} serves other machines: set BITEXT_API_KEYS (or "
            "BITEXT_API_KEYS_FILE), or pass --no-auth to serve without keys"
        )
    check_port(args.host, args.port)
    logging.basicConfig(level=args.log_level.upper(), format="%(levelname)s %(name)s: %(message)s")
    fetch_models(settings)
    from service.app import create_app  # imported here so other commands skip torch

    app = create_app(settings, seeds_dir=seeds)
    uvicorn.run(
        app,
        host=args.host,
        port=args.port,
        log_level=args.log_level,
        # SIGTERM: requests get this long; the running batch and job then get STOP_WAIT each.
        timeout_graceful_shutdown=max(0.5, settings.shutdown_timeout - 3),
    )
    return 0


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a name: it may resolve to any interface


def check_port(host: str, port: int) -> None:
    """Fail in one line before the slow start when the address is taken (say, by a second
    `bitext serve`), as uvicorn would only after it."""
    try:
        family, kind, _, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        with socket.socket(family, kind) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
            probe.bind(address)
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            raise InputError(
                f"port {port} on {host} is in use (another bitext serve?): choose another with "
                "--port"
            ) from None
        raise InputError(f"cannot listen on {host}:{port} ({error.strerror or error})") from None
