"""The validation gate: Great Expectations suites over the five contract tables.

Row rules quarantine the rows that break them and the batch goes on; table rules
(unique keys, referential integrity, too many empty articles) become failures that
keep the batch from being published. Every expectation run lands in ``results``,
as do the two batch rules computed here (``max_empty_share``, ``not_all_quarantined``).
When the caller passes each source's volume against its trailing week
(:func:`source_volumes`), a ``source_volumes`` suite fails the batch for a source whose
volume fell by 80% or more. With ``data_docs_dir`` the run's GX Data Docs (HTML) are
written there.

In the quarantine, ``rule`` is the expectation type with its column, e.g.
``expect_column_values_to_not_be_null(body)``, or ``parent_quarantined`` for a link
row whose article, entity or topic was quarantined (``value`` is then that parent's
key); ``row_key`` is the table's key values joined by ``|``, a null part left empty.

Great Expectations is imported lazily, so importing this module stays cheap; :func:`preload`
imports it (and builds the next batch's context) in a background thread ahead of need.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import logging
import sys
import threading
import types
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from newsetl import schema

if TYPE_CHECKING:
    from great_expectations.core.expectation_validation_result import (
        ExpectationValidationResult,
    )
    from great_expectations.expectations import Expectation

log = logging.getLogger(__name__)

VALIDATION_RESULTS: dict[str, pl.DataType] = {
    "run_id": pl.String(),
    "table_name": pl.String(),
    "expectation": pl.String(),
    "column": pl.String(),  # compound rules join their columns with ','
    "success": pl.Boolean(),
    "unexpected_count": pl.Int64(),  # null when the expectation could not run
    "details": pl.String(),  # short JSON: the rule's arguments, a sample of bad values
    "validated_at": schema.UTC_TS,
}

PARENT_QUARANTINED = "parent_quarantined"
EMPTY_SHARE_RULE = "max_empty_share"
ALL_QUARANTINED_RULE = "not_all_quarantined"
EMPTY_BATCH_RULE = "empty_batch"
VOLUME_EXPECTATION = "expect_column_values_to_be_between"

EARLIEST_PUBLISHED = datetime(1990, 1, 1, tzinfo=UTC)
FUTURE_TOLERANCE = timedelta(days=1)

# (child table, column, parent table); the parent's key column has the same name.
REFERENCES: tuple[tuple[str, str, str], ...] = (
    ("article_entities", "article_id", "articles"),
    ("article_entities", "entity_id", "entities"),
    ("article_topics", "article_id", "articles"),
    ("article_topics", "topic_id", "topics"),
)

# A source fails the batch when its last day (this run included) brought in at most
# (1 - VOLUME_DROP) of its mean day over the week before; sources with too little history are
# not judged. Days, not runs: on a 15-minute schedule a run often finds nothing new, and
# incremental fetching makes a run's count depend on what earlier runs already read.
VOLUME_DROP = 0.8
VOLUME_DAY = timedelta(days=1)
VOLUME_WINDOW = timedelta(days=7)
VOLUME_HISTORY = VOLUME_WINDOW + VOLUME_DAY  # how far back source_volumes needs history
VOLUME_MIN_DAYS = 3
VOLUME_MIN_MEAN = 5.0
SOURCE_VOLUMES: dict[str, pl.DataType] = {
    "source": pl.String(),
    "pages": pl.Int64(),  # pages parsed into documents in the last day, this run included
    "baseline_days": pl.Int64(),  # days of the week before with a run that read the source
    "baseline_mean": pl.Float64(),  # their mean pages per day
}

_SAMPLE_SIZE = 3
_RESULT_FORMAT = {"result_format": "COMPLETE"}


class BatchRejected(RuntimeError):
    """A table-level rule failed; str(exc) is a one-line reason naming table, rule and count."""


@dataclass(frozen=True)
class ValidationOutcome:
    """What the gate decided about one batch."""

    tables: dict[str, pl.DataFrame]  # the rows that passed, same schemas as input
    quarantine: pl.DataFrame  # schema.QUARANTINE
    results: pl.DataFrame  # VALIDATION_RESULTS, one row per expectation run
    failures: list[str]  # one-line reasons; empty when the batch may be published


@dataclass(frozen=True)
class _Check:
    """One expectation over one table, and what its unexpected rows mean."""

    table: str
    expectation: Expectation
    quarantines: bool  # a row rule; otherwise a table rule whose failure stops the batch
    counts_as_empty: bool = False  # the rows it catches have no body or no language
    failure: str = ""  # a table rule's reason, formatted with {count} and {s}
    details: dict[str, Any] | None = None  # shown instead of the expectation's arguments


@dataclass(frozen=True)
class _Flagged:
    """A row that goes to quarantine."""

    row: int
    rule: str
    value: str | None
    empty: bool = False


@dataclass(frozen=True)
class _Evaluated:
    """One expectation's outcome, turned into our terms."""

    result: dict[str, Any]
    failure: str | None
    flagged: list[_Flagged]


def validate_batch(
    tables: dict[str, pl.DataFrame],
    run_id: str,
    *,
    now: datetime | None = None,
    max_empty_share: float = 0.5,
    volumes: pl.DataFrame | None = None,
    data_docs_dir: Path | None = None,
    docs_later: bool = False,
) -> ValidationOutcome:
    """Validate the five contract tables with GX 1.x suites.

    Row rules quarantine rows and the batch goes on; table rules become failures.
    `volumes` (SOURCE_VOLUMES, from :func:`source_volumes`) adds the volume-drop rule;
    `data_docs_dir` gets the run's GX Data Docs, rendered before this returns or, with
    `docs_later`, by the next :func:`render_data_docs` in this process.
    """
    missing = [name for name in schema.TABLES if name not in tables]
    unknown = [name for name in tables if name not in schema.TABLES]
    if missing or unknown:
        raise ValueError(
            f"expected tables {list(schema.TABLES)}; missing {missing}, unknown {unknown}"
        )
    if not 0.0 <= max_empty_share <= 1.0:
        raise ValueError(f"max_empty_share must be within [0, 1], got {max_empty_share}")
    if now is None:
        now = datetime.now(UTC)
    elif now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    now = now.astimezone(UTC)

    inputs = {name: schema.conform(tables[name], spec) for name, spec in schema.TABLES.items()}
    nothing = all(frame.is_empty() for frame in inputs.values())
    if nothing and (volumes is None or _judge_volumes(volumes)[1].is_empty()):
        return _empty_batch(run_id, now, volumes)
    runner = _Runner(run_id, now, data_docs_dir)
    results: list[dict[str, Any]] = []
    failures: list[str] = []
    flagged: dict[str, list[_Flagged]] = {}

    for name, checks in _input_checks(now).items():
        flagged[name] = []
        for evaluated in runner.evaluate(name, _INPUT, inputs[name], checks):
            results.append(evaluated.result)
            failures.extend([evaluated.failure] if evaluated.failure else [])
            flagged[name].extend(evaluated.flagged)

    articles = inputs["articles"].height
    empty = len({hit.row for hit in flagged["articles"] if hit.empty})
    lost = len({hit.row for hit in flagged["articles"]})
    _cascade(inputs, flagged)
    passed = _survivors(inputs, flagged)

    for name, (marked, checks) in _reference_checks(passed).items():
        for evaluated in runner.evaluate(name, _REFERENCES, passed[name], checks, marked):
            results.append(evaluated.result)
            failures.extend([evaluated.failure] if evaluated.failure else [])

    too_empty = empty > max_empty_share * articles
    results.append(
        _batch_rule(
            EMPTY_SHARE_RULE,
            "body,language",
            not too_empty,
            empty,
            {"max_empty_share": max_empty_share, "rows": articles},
        )
    )
    if too_empty:
        failures.append(f"articles: {empty} of {articles} rows have no body or no language")
    if volumes is not None:
        evaluated = _volume_check(runner, volumes)
        results.append(evaluated.result)
        failures.extend([evaluated.failure] if evaluated.failure else [])
    # An empty batch has nothing to publish, which is fine; losing every article is not.
    all_lost = articles > 0 and lost == articles
    results.append(_batch_rule(ALL_QUARANTINED_RULE, None, not all_lost, lost, {"rows": articles}))
    if all_lost:
        failures.append(f"articles: all {articles} rows quarantined")

    if docs_later:
        global _docs_to_render
        _docs_to_render = runner
    else:
        runner.build_data_docs()
    outcome = ValidationOutcome(
        tables=passed,
        quarantine=_quarantine_frame(inputs, flagged, run_id, now),
        results=pl.DataFrame(
            [{"run_id": run_id, **row, "validated_at": now} for row in results],
            schema=VALIDATION_RESULTS,
        ),
        failures=failures,
    )
    log.info(
        "validated run %s: %d expectations, %d rows quarantined, %d failures",
        run_id,
        outcome.results.height,
        outcome.quarantine.height,
        len(failures),
    )
    return outcome


# The batch validated last with docs_later, whose Data Docs are still to be rendered.
_docs_to_render: _Runner | None = None


def render_data_docs() -> Path | None:
    """Render the Data Docs that validate_batch(docs_later=True) left in this process (a
    fifth of a validation's time: the run's side process renders them while the run loads);
    returns the index page, or None when there are none to render."""
    global _docs_to_render
    runner, _docs_to_render = _docs_to_render, None
    return runner.build_data_docs() if runner is not None else None


def raise_for_failures(outcome: ValidationOutcome) -> None:
    """Raise BatchRejected with the first failure (and '+N more') when there are any."""
    if not outcome.failures:
        return
    first, *rest = outcome.failures
    raise BatchRejected(f"{first} (+{len(rest)} more)" if rest else first)


class _Runner:
    """Runs suites in one ephemeral GX context, built once per batch.

    Every run is a named suite and validation definition in that context; running the
    definition keeps its result in the context's (in-memory) results store, from which
    :meth:`build_data_docs` renders the run's Data Docs when a folder was given. The context
    is the one :func:`preload` built ahead, when there is one.
    """

    def __init__(
        self, run_id: str = "adhoc", now: datetime | None = None, docs_dir: Path | None = None
    ) -> None:
        context = _take_preloaded() or _GXContext()
        self._gx = context.gx
        self._context = context.context
        self._source = context.source
        self._batch_definitions = context.batch_definitions
        from great_expectations.core.run_identifier import RunIdentifier

        self._run_id = RunIdentifier(run_name=run_id, run_time=now or datetime.now(UTC))
        self._docs_dir = docs_dir
        if docs_dir is not None:
            self._context.add_data_docs_site(
                site_name="newsetl",
                site_config={
                    "class_name": "SiteBuilder",
                    "store_backend": {
                        "class_name": "TupleFilesystemStoreBackend",
                        "base_directory": str(docs_dir),
                    },
                    "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
                },
            )

    def build_data_docs(self) -> Path | None:
        """Render every result of this run as GX Data Docs; returns the index page."""
        if self._docs_dir is None:
            return None
        self._docs_dir.mkdir(parents=True, exist_ok=True)
        self._context.build_data_docs(site_names=["newsetl"])
        return self._docs_dir / "index.html"

    def run(
        self, name: str, frame: pl.DataFrame, expectations: list[Expectation]
    ) -> list[ExpectationValidationResult]:
        """Validate a frame against a new suite; results come back in the suite's order."""
        gx = self._gx
        batch_definition = self._batch_definitions.pop(name, None)
        if batch_definition is None:
            batch_definition = self._source.add_dataframe_asset(
                name
            ).add_batch_definition_whole_dataframe(name)
        suite = self._context.suites.add(gx.ExpectationSuite(name=name, expectations=expectations))
        definition = self._context.validation_definitions.add(
            gx.ValidationDefinition(name=name, data=batch_definition, suite=suite)
        )
        columns = list(dict.fromkeys(c for e in expectations for c in _columns(e)))
        # Positions in the pandas frame are the Polars row numbers (a fresh RangeIndex).
        # The definition itself (no checkpoint around it) stores its result for Data Docs.
        validation = definition.run(
            batch_parameters={"dataframe": frame.select(columns).to_pandas()},
            result_format=_RESULT_FORMAT,
            run_id=self._run_id,
        )
        by_id = {
            result.expectation_config.id: result
            for result in validation.results
            if result.expectation_config is not None
        }
        return [by_id[expectation.id] for expectation in suite.expectations]

    def evaluate(
        self,
        table: str,
        stage: str,
        frame: pl.DataFrame,
        checks: list[_Check],
        validated: pl.DataFrame | None = None,
    ) -> list[_Evaluated]:
        """Run a table's checks and judge each outcome; GX sees `validated` (the same rows
        in the same order) when given, else the frame."""
        outcomes = self.run(
            f"{table}.{stage}",
            frame if validated is None else validated,
            [check.expectation for check in checks],
        )
        return [
            _evaluate(check, outcome, frame)
            for check, outcome in zip(checks, outcomes, strict=True)
        ]


class _GXContext:
    """An ephemeral GX context with the pandas data source the suites read, and batch
    definitions already added for `suites` (what a batch runs, when built ahead)."""

    def __init__(self, suites: tuple[str, ...] = ()) -> None:
        self.gx = _import_gx()
        from great_expectations.data_context.types.base import ProgressBarsConfig

        self.context = self.gx.get_context(mode="ephemeral")
        # tqdm bars on stderr would flood task logs.
        self.context.variables.progress_bars = ProgressBarsConfig(globally=False)
        self.source = self.context.data_sources.add_pandas("newsetl")
        self.batch_definitions = {
            name: self.source.add_dataframe_asset(name).add_batch_definition_whole_dataframe(name)
            for name in suites
        }


def _import_gx() -> Any:
    """great_expectations, imported with its loggers kept quiet."""
    gx_logger = logging.getLogger("great_expectations")
    # GX logs hundreds of info lines on import; keep an operator's explicit level.
    quiet = gx_logger.level == logging.NOTSET
    if quiet:
        gx_logger.setLevel(logging.WARNING)
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    if quiet:
        # This one sets INFO on itself and logs a temp path for every context.
        logging.getLogger(ProgressBarsConfig.__module__).setLevel(logging.WARNING)
    return gx


# The suites validate_batch runs, by name: f"{table}.{stage}".
_INPUT, _REFERENCES, _VOLUME = "input", "references", "volume"
_BATCH_SUITES: tuple[str, ...] = (
    *(f"{name}.{_INPUT}" for name in schema.TABLES),
    *(f"{child}.{_REFERENCES}" for child in dict.fromkeys(c for c, _, _ in REFERENCES)),
    f"source_volumes.{_VOLUME}",
)

_preload_lock = threading.Lock()
_preloading: threading.Thread | None = None
_preloaded: _GXContext | None = None  # built ahead for the next batch, taken by one _Runner


def preload() -> None:
    """Import Great Expectations and build the next batch's context in a background thread.

    A run starts this in its side process as the run starts (newsetl.workers.SideProcess), or,
    where none could be forked, in a thread while its worker processes parse and enrich; either
    way its validate step finds GX imported and a context ready. Calling it again while that
    is under way or unused does nothing. Validation waits for the thread;
    :func:`wait_for_preload` does too, for a caller that must not leave it running. Start it
    only where no process is forked while it runs (see newsetl.workers.can_fork).
    """
    global _preloading
    with _preload_lock:
        if _preloading is not None or _preloaded is not None:
            return
        _preloading = threading.Thread(target=_preload, name="newsetl-gx-preload", daemon=True)
        _preloading.start()


# Modules Great Expectations imports only for its SQL data sources: SQLAlchemy, and pyodbc,
# whose failed import searches the whole path. Together 0.5 s of the 2.9 s of CPU its import
# and context take. The suites read pandas frames.
_SQL_ONLY_MODULES = ("sqlalchemy", "pyodbc")


# Modules imported at the top of GX's KL-divergence expectation, which no suite here uses:
# scipy.stats and altair, 0.9-1.2 s of CPU. In the side process they import on first use.
_IMPORTED_ON_USE = ("scipy.stats", "altair")


class _ImportedOnUse(types.ModuleType):
    """A stand-in in sys.modules for a module not yet imported: the real module is imported
    the first time an attribute of the stand-in is read, and every read goes to it."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.__spec__ = importlib.util.find_spec(name)  # the import system reads it

    def __getattr__(self, attribute: str) -> Any:
        real = self.__dict__.get("_real")
        if real is None:
            if sys.modules.get(self.__name__) is self:
                del sys.modules[self.__name__]
            real = self.__dict__["_real"] = importlib.import_module(self.__name__)
        return getattr(real, attribute)


def import_on_use(name: str) -> None:
    """Put an _ImportedOnUse stand-in for module `name` in sys.modules, unless it is there."""
    if name not in sys.modules:
        sys.modules[name] = _ImportedOnUse(name)


def preload_in_side_process() -> None:
    """preload, in a process that does nothing but validate (newsetl.workers.SideProcess):
    the SQL-only modules not yet imported are marked missing first, so GX goes without them,
    and the ones no suite uses import on first use."""
    for name in _SQL_ONLY_MODULES:
        sys.modules.setdefault(name, None)  # type: ignore[arg-type]
    for name in _IMPORTED_ON_USE:
        import_on_use(name)
    preload()


def wait_for_preload() -> None:
    """Wait until a :func:`preload` under way is done."""
    global _preloading
    with _preload_lock:
        thread = _preloading
    if thread is None:
        return
    thread.join()
    with _preload_lock:
        if _preloading is thread:
            _preloading = None


def _preload() -> None:
    global _preloaded
    try:
        context = _GXContext(_BATCH_SUITES)
    except Exception:  # validation builds its own context, and reports what fails there
        log.debug("preloading Great Expectations failed", exc_info=True)
        return
    with _preload_lock:
        _preloaded = context


def _take_preloaded() -> _GXContext | None:
    """The context preload built (once), after waiting for a preload under way."""
    global _preloaded
    wait_for_preload()
    with _preload_lock:
        context, _preloaded = _preloaded, None
    return context


def _input_checks(now: datetime) -> dict[str, list[_Check]]:
    """The checks run on the input tables: row rules and unique keys."""
    import great_expectations.expectations as gxe

    def not_null(table: str, column: str, *, empty: bool = False) -> _Check:
        expectation = gxe.ExpectColumnValuesToNotBeNull(column=column)
        return _Check(table, expectation, quarantines=True, counts_as_empty=empty)

    def between(table: str, column: str, low: Any, high: Any = None) -> _Check:
        expectation = gxe.ExpectColumnValuesToBeBetween(
            column=column, min_value=low, max_value=high
        )
        return _Check(table, expectation, quarantines=True)

    def matches(table: str, column: str, regex: str, *, empty: bool = False) -> _Check:
        expectation = gxe.ExpectColumnValuesToMatchRegex(column=column, regex=regex)
        return _Check(table, expectation, quarantines=True, counts_as_empty=empty)

    def unique(table: str) -> _Check:
        key = schema.KEYS[table]
        if len(key) == 1:
            expectation: Expectation = gxe.ExpectColumnValuesToBeUnique(column=key[0])
            label = key[0]
        else:
            # Rows with a null key part are quarantined by their own rule, not duplicates.
            expectation = gxe.ExpectCompoundColumnsToBeUnique(
                column_list=list(key), ignore_row_if="any_value_is_missing"
            )
            label = f"({', '.join(key)})"
        failure = f"{table}: {{count}} duplicate {label} values"
        return _Check(table, expectation, quarantines=False, failure=failure)

    return {
        "articles": [
            not_null("articles", "article_id"),
            not_null("articles", "body", empty=True),
            matches("articles", "body", r"\S", empty=True),
            not_null("articles", "language", empty=True),
            # \Z rather than $: Python's $ also matches before a trailing newline.
            matches("articles", "language", r"^[a-z]{2}\Z"),
            between("articles", "published_at", EARLIEST_PUBLISHED, now + FUTURE_TOLERANCE),
            matches("articles", "url", r"^https?://"),
            unique("articles"),
        ],
        "entities": [
            not_null("entities", "entity_id"),
            not_null("entities", "name"),
            not_null("entities", "entity_type"),
            _Check(
                "entities",
                gxe.ExpectColumnValuesToBeInSet(
                    column="entity_type", value_set=list(schema.ENTITY_TYPES)
                ),
                quarantines=True,
            ),
            unique("entities"),
        ],
        "topics": [not_null("topics", "topic_id"), unique("topics")],
        "article_entities": [
            not_null("article_entities", "article_id"),
            not_null("article_entities", "entity_id"),
            between("article_entities", "mention_count", 1),
            between("article_entities", "salience", 0, 1),
            unique("article_entities"),
        ],
        "article_topics": [
            not_null("article_topics", "article_id"),
            not_null("article_topics", "topic_id"),
            between("article_topics", "score", 0, 1),
            unique("article_topics"),
        ],
    }


def _reference_checks(
    passed: dict[str, pl.DataFrame],
) -> dict[str, tuple[pl.DataFrame, list[_Check]]]:
    """Referential integrity of the surviving link rows against the surviving parents.

    Each link table comes with the frame GX validates: there a value that is a key of its
    parent reads as that parent's marker (:func:`_parent_marker`), so each expectation's
    value set holds one marker instead of every parent key. GX copies an expectation's
    arguments each time it reads one, which made thousands of keys cost seconds a batch;
    the values left unexpected, their count and their rows are the same either way.
    """
    import great_expectations.expectations as gxe

    checks: dict[str, tuple[pl.DataFrame, list[_Check]]] = {}
    for child, column, parent in REFERENCES:
        keys = passed[parent][column].drop_nulls().unique()
        marker = _parent_marker(parent, column)
        frame, child_checks = checks.get(child, (passed[child], []))
        value = pl.col(column)
        frame = frame.with_columns(
            pl.when(value.is_in(keys.implode()))
            .then(pl.lit(marker))
            # A value that only looks like the marker is still not a key.
            .when(value == marker)
            .then(pl.lit(f"{marker}?"))
            .otherwise(value)
            .alias(column)
        )
        expectation = gxe.ExpectColumnValuesToBeInSet(
            column=column,
            value_set=[marker],
            notes=(
                f"Here a value that is a key of {parent}.{column} reads `{marker}`: the"
                " unexpected values are the ones that are not."
            ),
        )
        child_checks.append(
            _Check(
                child,
                expectation,
                quarantines=False,
                failure=f"{child}: {{count}} {column} value{{s}} not in {parent}",
                details={"parent": f"{parent}.{column}", "parent_keys": keys.len()},
            )
        )
        checks[child] = (frame, child_checks)
    return checks


def _parent_marker(parent: str, column: str) -> str:
    """What a link row's value reads as, for GX, when it is a key of its parent."""
    return f"(a key of {parent}.{column})"


def source_volumes(fetch_log: pl.DataFrame, history: pl.DataFrame, now: datetime) -> pl.DataFrame:
    """Each source of this run's fetch log: its last day's pages against the week before.

    `history` holds earlier runs' pages per source (run_id, source, pages, fetched_at), as
    :func:`newsetl.warehouse.source_history` reads them from the published warehouse.
    """
    this_run = (
        fetch_log.filter(pl.col("kind").is_in(["feed", "sitemap"]).not_())
        .group_by(pl.col("source").fill_null("(unknown)"))
        .agg(pages=(pl.col("status") == "parsed").sum().cast(pl.Int64()))
    )
    last_day = (
        history.filter(pl.col("fetched_at") >= now - VOLUME_DAY, pl.col("fetched_at") < now)
        .group_by("source")
        .agg(earlier=pl.col("pages").sum().cast(pl.Int64()))
    )
    days_before = (
        history.filter(
            pl.col("fetched_at") >= now - VOLUME_HISTORY, pl.col("fetched_at") < now - VOLUME_DAY
        )
        .with_columns(
            day=((pl.lit(now) - pl.col("fetched_at")).dt.total_seconds() // 86_400).cast(pl.Int64())
        )
        .group_by("source")
        .agg(
            baseline_days=pl.col("day").n_unique().cast(pl.Int64()),
            total=pl.col("pages").sum().cast(pl.Float64()),
        )
        .with_columns(baseline_mean=pl.col("total") / pl.col("baseline_days"))
    )
    joined = (
        this_run.join(last_day, on="source", how="left")
        .join(days_before, on="source", how="left")
        .with_columns(
            pages=pl.col("pages") + pl.col("earlier").fill_null(0),
            baseline_days=pl.col("baseline_days").fill_null(0),
        )
    )
    return schema.conform(joined, SOURCE_VOLUMES).sort("source")


def _volume_check(runner: _Runner, volumes: pl.DataFrame) -> _Evaluated:
    """The source_volumes suite: no judged source may fall by VOLUME_DROP or more."""
    import great_expectations.expectations as gxe

    judged, dropped = _judge_volumes(volumes)
    floor = round(1 - VOLUME_DROP, 6)
    named = (
        ", ".join(
            f"{source} {pages} against {mean:.1f}"
            for source, pages, mean in dropped.select("source", "pages", "baseline_mean").rows()
        )
        .replace("{", "{{")
        .replace("}", "}}")
    )
    check = _Check(
        "source_volumes",
        gxe.ExpectColumnValuesToBeBetween(column="volume_ratio", min_value=floor, strict_min=True),
        quarantines=False,
        failure=(
            f"source_volumes: {{count}} source{{s}} fell by {VOLUME_DROP:.0%} or more against "
            f"the trailing week's pages per day ({named})"
        ),
        details={
            "max_drop": VOLUME_DROP,
            "min_days": VOLUME_MIN_DAYS,
            "min_mean": VOLUME_MIN_MEAN,
            "judged": judged["source"].to_list(),
        },
    )
    (evaluated,) = runner.evaluate("source_volumes", _VOLUME, judged, [check])
    return evaluated


def _judge_volumes(volumes: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The sources with enough history to judge (with their volume_ratio), and those of them
    that fell by VOLUME_DROP or more."""
    judged = schema.conform(volumes, SOURCE_VOLUMES).filter(
        pl.col("baseline_days") >= VOLUME_MIN_DAYS, pl.col("baseline_mean") >= VOLUME_MIN_MEAN
    )
    judged = judged.with_columns(volume_ratio=pl.col("pages") / pl.col("baseline_mean"))
    return judged, judged.filter(pl.col("volume_ratio") <= round(1 - VOLUME_DROP, 6))


def _empty_batch(run_id: str, now: datetime, volumes: pl.DataFrame | None) -> ValidationOutcome:
    """The outcome for a batch without rows whose sources held their volume: nothing to
    check row by row, so Great Expectations is not started (a scheduled run that finds
    nothing new stays cheap)."""
    judged = _judge_volumes(volumes)[0] if volumes is not None else None
    results = [_batch_rule(EMPTY_BATCH_RULE, None, True, 0, {"rows": 0})]
    if judged is not None:
        details = {
            "max_drop": VOLUME_DROP,
            "min_days": VOLUME_MIN_DAYS,
            "min_mean": VOLUME_MIN_MEAN,
            "judged": judged["source"].to_list(),
        }
        # The row the GX volume check writes when it passes.
        rule = _batch_rule(VOLUME_EXPECTATION, "volume_ratio", True, 0, details)
        results.append({**rule, "table_name": "source_volumes"})
    return ValidationOutcome(
        tables={name: schema.empty(spec) for name, spec in schema.TABLES.items()},
        quarantine=schema.empty(schema.QUARANTINE),
        results=pl.DataFrame(
            [{"run_id": run_id, **row, "validated_at": now} for row in results],
            schema=VALIDATION_RESULTS,
        ),
        failures=[],
    )


def _evaluate(
    check: _Check, outcome: ExpectationValidationResult, frame: pl.DataFrame
) -> _Evaluated:
    """Turn a GX outcome into a results row, a failure reason and quarantined rows."""
    expectation_type = check.expectation.expectation_type
    columns = _columns(check.expectation)
    label = ",".join(columns)
    error = _error(outcome)
    count = None if error else outcome.result.get("unexpected_count", 0)
    rows: list[int] = [] if error else list(outcome.result.get("unexpected_index_list") or [])

    details = (
        dict(check.details)
        if check.details is not None
        else _arguments(check.expectation.configuration.kwargs)
    )
    if rows:
        details["sample"] = [_cell(frame, columns, row) for row in rows[:_SAMPLE_SIZE]]
    if error:
        details["error"] = error
    result = {
        "table_name": check.table,
        "expectation": expectation_type,
        "column": label,
        "success": bool(outcome.success) and not error,
        "unexpected_count": count,
        "details": json.dumps(details, ensure_ascii=False, default=_text),
    }

    failure = None
    if error:
        # A rule that could not run must not let bad rows through unnoticed.
        failure = f"{check.table}: {expectation_type}({label}) could not run: {error}"
    elif not outcome.success and not check.quarantines:
        failure = check.failure.format(count=count, s="" if count == 1 else "s")

    flagged: list[_Flagged] = []
    if check.quarantines:
        rule = f"{expectation_type}({label})"
        flagged = [
            _Flagged(row, rule, _cell(frame, columns, row), check.counts_as_empty) for row in rows
        ]
    return _Evaluated(result, failure, flagged)


def _cascade(inputs: dict[str, pl.DataFrame], flagged: dict[str, list[_Flagged]]) -> None:
    """Quarantine link rows whose article, entity or topic was quarantined."""
    for child, column, parent in REFERENCES:
        parent_keys = inputs[parent][column]
        lost = {parent_keys[hit.row] for hit in flagged[parent]} - {None}
        if not lost:
            continue
        for row, key in enumerate(inputs[child][column].to_list()):
            if key in lost:
                flagged[child].append(_Flagged(row, PARENT_QUARANTINED, key))


def _survivors(
    inputs: dict[str, pl.DataFrame], flagged: dict[str, list[_Flagged]]
) -> dict[str, pl.DataFrame]:
    """The unflagged rows of each table, without entities only quarantined rows used."""
    passed = {}
    for name, frame in inputs.items():
        dropped = {hit.row for hit in flagged[name]}
        keep = pl.Series([row not in dropped for row in range(frame.height)], dtype=pl.Boolean())
        passed[name] = frame.filter(keep)
    used_before = set(inputs["article_entities"]["entity_id"].drop_nulls().to_list())
    used_after = set(passed["article_entities"]["entity_id"].drop_nulls().to_list())
    orphans = pl.Series(sorted(used_before - used_after), dtype=pl.String())
    passed["entities"] = passed["entities"].filter(
        ~pl.col("entity_id").is_in(orphans.implode()).fill_null(False)
    )
    return passed


def _quarantine_frame(
    inputs: dict[str, pl.DataFrame],
    flagged: dict[str, list[_Flagged]],
    run_id: str,
    now: datetime,
) -> pl.DataFrame:
    """One quarantine row per (row, rule), by table in load order, then by row."""
    rows = []
    for name, frame in inputs.items():
        keys = frame.select(schema.KEYS[name]).rows()
        for hit in sorted(flagged[name], key=lambda hit: hit.row):
            rows.append(
                {
                    "run_id": run_id,
                    "table_name": name,
                    "row_key": "|".join(
                        "" if part is None else str(part) for part in keys[hit.row]
                    ),
                    "rule": hit.rule,
                    "value": hit.value,
                    "quarantined_at": now,
                }
            )
    return pl.DataFrame(rows, schema=schema.QUARANTINE)


def _batch_rule(
    rule: str, column: str | None, success: bool, count: int, details: dict[str, Any]
) -> dict[str, Any]:
    """A results row for a rule computed here rather than by a GX expectation."""
    return {
        "table_name": "articles",
        "expectation": rule,
        "column": column,
        "success": success,
        "unexpected_count": count,
        "details": json.dumps(details),
    }


def _columns(expectation: Expectation) -> list[str]:
    """The columns an expectation reads."""
    column = getattr(expectation, "column", None)
    return [column] if column else list(getattr(expectation, "column_list", None) or [])


def _arguments(kwargs: dict[str, Any]) -> dict[str, Any]:
    """An expectation's arguments, without what the results row already says."""
    skip = {"batch_id", "column", "column_list", "result_format"}
    return {key: value for key, value in kwargs.items() if key not in skip and value is not None}


def _error(outcome: ExpectationValidationResult) -> str | None:
    """The one-line message of an exception GX caught while running the expectation."""
    info = outcome.exception_info or {}
    # Failures inside metric computation are keyed by metric id.
    for entry in [info, *info.values()]:
        if isinstance(entry, dict) and entry.get("raised_exception"):
            return " ".join(str(entry.get("exception_message") or "unknown error").split())
    return None


def _cell(frame: pl.DataFrame, columns: list[str], row: int) -> str | None:
    """A row's values in these columns as text, joined by '|' like a row key."""
    if len(columns) == 1:
        return _text(frame[columns[0]][row])
    return "|".join(_text(frame[column][row]) or "" for column in columns)


def _text(value: Any) -> str | None:
    """A value as text for the quarantine and the details JSON."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)
