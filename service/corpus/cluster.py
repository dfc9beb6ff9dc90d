"""The Ray Data side of the corpus commands: connect (or start a local Ray), build the dataset
(read, the stateless step as tasks, the engine or encoder step as an actor pool), stream the
finished rows back to the driver, which writes them.

Ray is imported here only, when a command runs with actors; without the `ray` extra the command
says how to install it.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from text.errors import BitextError, InputError

if TYPE_CHECKING:
    from service.corpus.translate import Engine
    from service.settings import Settings

# CPUs a read or stateless task asks for. Fractional, like the actors' default, so that on a
# small machine the actors never hold every CPU while the read task that feeds them waits.
TASK_CPUS = 0.25
WORK_COLUMNS = ("id", "record", "lines", "error")
DONE_COLUMNS = ("id", "record", "error", "fatal")
PAIR_COLUMNS = ("id", "files", "error", "fatal")


@dataclass(frozen=True)
class Actors:
    """Where the engine step runs: how many actors, each with what share of a node."""

    address: str | None = None  # None: RAY_ADDRESS, else a local Ray with this machine's CPUs
    count: int = 1
    cpus: float | None = None  # None: up to one CPU each, leaving room for the read tasks
    gpus: float = 0.0
    batch_size: int = 64


def import_ray():
    try:
        import ray
        import ray.data
    except ImportError:
        raise InputError(
            "the corpus commands run on Ray, which is not installed: pip install 'bitext[ray]' "
            "(or run in this process with --actors 0)"
        ) from None
    return ray


@contextmanager
def connected(address: str | None) -> Iterator[float]:
    """Ray for the job: the running one in this process, the cluster at `address` (or
    RAY_ADDRESS), else a local one that is shut down afterwards. Yields the cluster's CPUs."""
    ray = import_ray()
    started = not ray.is_initialized()
    if started:
        address = address or os.environ.get("RAY_ADDRESS")
        try:
            if address:
                ray.init(address=address, logging_level=logging.WARNING)
            else:
                ray.init(include_dashboard=False, logging_level=logging.WARNING)
        except ConnectionError as error:
            raise InputError(f"--address {address}: no Ray cluster answers ({error})") from None
    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False  # the command's own bar counts records or pairs
    logging.getLogger("ray.data").setLevel(logging.WARNING)
    logging.getLogger("ray.data._internal.progress").setLevel(logging.ERROR)  # "disabled"
    try:
        yield ray.cluster_resources().get("CPU", 0.0)
    finally:
        if started:
            ray.shutdown()


def actor_options(actors: Actors, cluster_cpus: float) -> dict[str, Any]:
    """map_batches' arguments for the actor pool."""
    ray = import_ray()
    cpus = actors.cpus or max(0.1, min(1.0, (cluster_cpus - 2 * TASK_CPUS) / actors.count))
    if actors.count * cpus > cluster_cpus - TASK_CPUS:
        print(
            f"bitext: warning: {actors.count} actors x {cpus:g} CPUs leave less than {TASK_CPUS} "
            f"of the cluster's {cluster_cpus:g} CPUs to the read tasks: the job waits until the "
            "cluster grows; ask for fewer actors or a smaller --cpus-per-actor",
            file=sys.stderr,
        )
    return {
        "compute": ray.data.ActorPoolStrategy(size=actors.count),
        "num_cpus": cpus,
        "num_gpus": actors.gpus or None,
        "batch_format": "pyarrow",
    }


def _table(rows: Sequence[Mapping[str, Any]], columns: Sequence[str]):
    """Rows as a table of text columns: the same schema in every block, nulls included."""
    import pyarrow as pa

    arrays = {name: pa.array([row.get(name) for row in rows], pa.string()) for name in columns}
    return pa.table(arrays)


def _stream(dataset) -> Iterator[list[dict[str, Any]]]:
    """The dataset's rows as they finish. An actor that could not load its engine sends its
    BitextError's message (`fatal`), raised here as a BitextError: the command's one line."""
    for batch in dataset.iter_batches(batch_format="pyarrow", batch_size=None):
        rows = batch.to_pylist()
        fatal = next((row["fatal"] for row in rows if row["fatal"]), None)
        if fatal is not None:
            raise BitextError(fatal)
        yield rows


class _Loaded:
    """An actor's one-time load. A BitextError there (a missing model, say) is kept and sent
    back instead of the batch: Ray reports a failing constructor as a dead actor, and carries
    a task's exception back as text, so neither would reach the command as its one line."""

    def __init__(self, load) -> None:
        try:
            self.value, self.error = load(), None
        except BitextError as error:
            self.value, self.error = None, error

    def failed(self, columns: Sequence[str]):
        return _table([{"fatal": str(self.error)}], columns) if self.error else None


# -- translate-corpus ---------------------------------------------------------------------------


def _prepare_batch(batch, column: str, **options):
    from service.corpus.translate import prepare

    rows = [{"line": line} for line in batch.column(column).to_pylist()]
    return _table(prepare(rows, **options), WORK_COLUMNS)


def _parquet_as_lines(batch):
    from service.corpus.records import as_lines

    return _table(as_lines(batch.to_pylist()), ["line"])


class TranslateActor:
    """One engine per actor, loaded once; each batch goes through `translate_rows`."""

    def __init__(self, engine: Engine) -> None:
        self.translator, self.options = _Loaded(engine.load), engine.options

    def __call__(self, batch):
        from service.corpus.translate import translate_rows

        failed = self.translator.failed(DONE_COLUMNS)
        if failed is not None:
            return failed
        rows = translate_rows(self.translator.value, batch.to_pylist(), self.options)
        return _table(rows, DONE_COLUMNS)


def translated(
    fmt: str,
    files: list[Path],
    *,
    prepare_options: Mapping[str, Any],
    engine: Engine,
    actors: Actors,
    cluster_cpus: float,
) -> Iterator[list[dict[str, Any]]]:
    """Finished rows {"id", "record", "error"}, a batch at a time."""
    ray = import_ray()
    paths = [str(path) for path in files]
    # Every task asks for TASK_CPUS: one that asked for a whole CPU (as a plain
    # rename_columns does) would never start while the actors hold the rest of a small machine.
    if fmt == "jsonl":
        lines, column = ray.data.read_text(paths, num_cpus=TASK_CPUS), "text"
    else:
        lines = ray.data.read_parquet(paths, num_cpus=TASK_CPUS).map_batches(
            _parquet_as_lines, batch_format="pyarrow", num_cpus=TASK_CPUS
        )
        column = "line"
    work = lines.map_batches(
        _prepare_batch,
        fn_kwargs={"column": column, **prepare_options},
        batch_format="pyarrow",
        num_cpus=TASK_CPUS,
    )
    done = work.map_batches(
        TranslateActor,
        fn_constructor_args=(engine,),
        batch_size=actors.batch_size,
        **actor_options(actors, cluster_cpus),
    )
    yield from _stream(done)


# -- align-corpus -------------------------------------------------------------------------------


class AlignActor:
    """One encoder per actor (its own in-memory embedding cache), and with --mt the
    translation models, loaded once; the dictionary loads with the first pair and stays."""

    def __init__(
        self,
        encoder: str,
        config,
        formats: Sequence[str],
        mt: tuple[Settings, list[tuple[str, str]]] | None = None,
    ) -> None:
        from alignment import load_encoder
        from service.corpus.align import load_translators

        def load():
            translators = load_translators(*mt) if mt is not None else None
            return load_encoder(encoder), translators

        self.loaded = _Loaded(load)
        self.config, self.formats = config, formats

    def __call__(self, batch):
        from service.corpus.align import align_rows

        failed = self.loaded.failed(PAIR_COLUMNS)
        if failed is not None:
            return failed
        encoder, translators = self.loaded.value
        rows = align_rows(encoder, batch.to_pylist(), self.config, self.formats, translators)
        return _table(rows, PAIR_COLUMNS)


def aligned(
    pairs: Sequence[Mapping[str, Any]],
    *,
    encoder: str,
    config,
    formats: Sequence[str],
    actors: Actors,
    cluster_cpus: float,
    mt: tuple[Settings, list[tuple[str, str]]] | None = None,
) -> Iterator[list[dict[str, Any]]]:
    """Rows {"id", "files", "error"}, a pair at a time. `mt`: the settings and directions of
    the translation models each actor loads (--mt)."""
    ray = import_ray()
    done = ray.data.from_items(list(pairs)).map_batches(
        AlignActor,
        fn_constructor_kwargs={
            "encoder": encoder,
            "config": config,
            "formats": list(formats),
            "mt": mt,
        },
        batch_size=1,
        **actor_options(actors, cluster_cpus),
    )
    yield from _stream(done)
