"""The command line: parse arguments, read files, call the public API, render, exit.

This is the only module that touches files, standard streams or the
environment. Exit codes: 0 clean; 1 findings at or above ``--fail-on``;
2 usage error or unreadable input (one line per problem on stderr, never a
traceback); 3 some records could not be evaluated (``audit``).

Heavy modules are imported inside the command that needs them, so that a CI
step that runs one command pays only for that command.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import errno
import gc
import io
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, NoReturn, TextIO, cast

from ._args import in_every_zone
from ._errors import GdprPolicyError, HostileInputError, InputError, Issue, UsageError
from ._version import __version__

if TYPE_CHECKING:
    from ._policy import Policy

__all__ = ["main"]

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_REJECTED = 0, 1, 2, 3
LANGS = ("en", "nb", "sv")
REPORT_FORMATS = ("text", "json", "sarif", "junit", "github", "csv", "html", "xlsx")


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line and a UsageError, not SystemExit.

    A sub-command's arguments may be added on first use (:meth:`defer`): a run
    builds only the sub-command it runs (argparse makes a help formatter for
    every argument it adds), and ``--help`` still shows every command.
    """

    _pending: Callable[[argparse.ArgumentParser], None] | None = None

    def defer(self, configure: Callable[[argparse.ArgumentParser], None]) -> None:
        """Add this parser's arguments with ``configure(self)`` when it is first used."""
        self._pending = configure

    def _configure(self) -> None:
        pending, self._pending = self._pending, None
        if pending is not None:
            pending(self)

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        self._configure()
        return super().parse_known_args(args, namespace)

    def format_usage(self) -> str:
        self._configure()
        return super().format_usage()

    def format_help(self) -> str:
        self._configure()
        return super().format_help()

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message} (see --help)")


#: The most a policy, banner or mapping file may hold; the readers' own limits are lower
#: (2 MB for YAML, 4 MiB for banners): this keeps a huge file out of memory.
MAX_INPUT_BYTES = 16 * 1024 * 1024


def read_file(path: str, limit: int = MAX_INPUT_BYTES) -> bytes:
    """Read a whole input file of at most ``limit`` bytes; else an error naming the path."""
    try:
        with open(path, "rb") as fh:
            data = fh.read(limit + 1)
    except OSError as exc:
        raise InputError.at(
            path, None, None, "", "expected a readable file", exc.strerror or str(exc)
        ) from exc
    if len(data) > limit:
        raise HostileInputError.at(
            path, None, None, "", f"expected a file of at most {limit} bytes", "a larger file"
        )
    return data


def load_policy_option(path: str | None) -> Policy:
    """The policy named on the command line, or the bundled one."""
    from ._policy import bundled_policy, load_policy

    if path is None:
        return bundled_policy()
    return load_policy(read_file(path), source=path)


def _add_report_options(
    p: argparse.ArgumentParser, formats: Sequence[str] = REPORT_FORMATS
) -> None:
    p.add_argument(
        "--policy", metavar="PATH", help="policy YAML file (default: the bundled Inmeta policy)"
    )
    p.add_argument(
        "--format",
        choices=formats,
        default=None,
        help="output format (default: from the --output file's extension, else text)",
    )
    p.add_argument(
        "--lang", choices=LANGS, default="en", help="language of messages and dates (default: en)"
    )
    p.add_argument(
        "--output",
        metavar="FILE",
        help="write the report to FILE (needed for xlsx; CSV as UTF-8 with BOM, for Excel, "
        "its rejected records to FILE.rejected.csv and its records per input to "
        "FILE.inputs.csv)",
    )
    p.set_defaults(report_formats=tuple(formats))
    p.add_argument(
        "--delimiter",
        choices=(",", ";"),
        default=",",
        help="csv: the field separator; ';' for Norwegian and Swedish Excel (default: ,)",
    )
    p.add_argument(
        "--fail-on",
        choices=("error", "warning", "never"),
        default="error",
        help="exit 1 when a finding is at least this severe (default: error)",
    )


def _cmd_lint(args: argparse.Namespace, out: TextIO) -> int:
    from ._lint import lint_policy
    from ._rules import REGISTRY
    from .report import InputStats, PolicyRef, Report, exit_code

    files = list(args.policy_files)
    if len(files) > 1:
        # a pre-commit hook passes every matching file: each is linted and reported in turn
        fmt = args.format or _format_of(getattr(args, "output", None), args.report_formats)
        if fmt not in ("text", "github") or getattr(args, "output", None):
            raise UsageError(f"lint: give one policy file for --format {fmt} or --output "
                             f"(got {len(files)}); several are linted in turn as text or github")
        if args.policy:
            raise UsageError("lint: give the policy once, as POLICY or --policy")
        codes = [_cmd_lint(_with_files(args, [f]), out) for f in files]
        return max(codes)
    policy_file = files[0] if files else None
    if policy_file and args.policy and policy_file != args.policy:
        raise UsageError("lint: give the policy once, as POLICY or --policy")
    path = policy_file or args.policy
    policy = load_policy_option(path)
    findings = lint_policy(policy)
    report = Report(
        policy=PolicyRef.of(policy.latest, path, given=path is not None),
        command="lint",
        findings=tuple(findings),
        rules=tuple(r.id for r in REGISTRY.area("policy")),
        # the policy file is the one input: JUnit and SARIF show the rules it passed,
        # and a clean lint says what it read
        inputs=(InputStats(file=policy.source, read=1, evaluated=1, rejected=0),),
        timezone=policy.latest.jurisdiction().timezone,
    )
    _write_report(report, args, out)
    return exit_code(report, args.fail_on)


def _with_files(args: argparse.Namespace, files: list[str]) -> argparse.Namespace:
    """``args`` with other ``policy_files``."""
    return argparse.Namespace(**{**vars(args), "policy_files": files})


def _cmd_rules(args: argparse.Namespace, out: TextIO) -> int:
    from ._catalog import load_all_rules, rules_json, rules_markdown
    from ._rules import REGISTRY
    from .i18n import translate

    if args.format == "json":
        out.write(rules_json(args.lang))
    elif args.format == "markdown":
        out.write(rules_markdown(args.lang))
    else:
        load_all_rules()
        width = max((len(r.id) for r in REGISTRY), default=0)
        for r in REGISTRY:
            out.write(
                f"{r.id:<{width}}  {r.severity.value:<7}  {translate(r.title_code, args.lang)}\n"
            )
    return EXIT_OK


def _cmd_schema(args: argparse.Namespace, out: TextIO) -> int:
    from ._catalog import policy_schema

    out.write(policy_schema())
    return EXIT_OK


def parse_as_of(text: str | None) -> dt.date:
    """``--as-of``: an ISO date; without it, today's date (the CLI is the only place with a clock)."""
    if text is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UsageError(
            f"--as-of: expected an ISO 8601 date such as 2026-11-30, got {text!r}"
        ) from None


def _cmd_banner(args: argparse.Namespace, out: TextIO) -> int:
    from ._rules import REGISTRY
    from .banner import read_banner
    from .banner._detect import is_translation_file
    from .banner.rules import evaluate_banner
    from .report import InputStats, PolicyRef, Rejection, Report, exit_code

    _imports_done()
    as_of = parse_as_of(args.as_of)
    version = load_policy_option(args.policy).at(as_of)
    findings = []
    inputs = []
    unreadable: list[InputError] = []

    def reject(path: str, exc: InputError) -> None:
        unreadable.append(exc)
        first = exc.issues[0]
        inputs.append(
            InputStats(
                file=path,
                read=1,
                evaluated=0,
                rejected=1,
                problems=(
                    Rejection(
                        file=path,
                        line=first.line,
                        column=first.column,
                        pointer=first.pointer,
                        # The rejection line already starts with file:line:column.
                        reason=_reason(first),
                    ),
                ),
            )
        )

    # Read every file first: translation files (cookieconsent's run-time texts) are
    # further inputs of the configurations that load them, not configurations.
    texts: dict[str, bytes] = {}
    translations: dict[str, bytes] = {}
    for path in dict.fromkeys(args.files):
        try:
            data = read_file(path)
        except InputError as exc:
            reject(path, exc)
            continue
        if args.config_format in ("auto", "cookieconsent") and is_translation_file(data):
            translations[path] = data
        else:
            texts[path] = data
    used: set[str] = set()
    for path, data in texts.items():
        try:
            banner = read_banner(
                data, source=path, format=args.config_format, translations=translations
            )
        except InputError as exc:
            reject(path, exc)
            continue
        used.update(t for t in translations if _loads(data, t))
        findings.extend(evaluate_banner(banner, version, as_of))
        inputs.append(InputStats(file=path, read=1, evaluated=1, rejected=0))
    for path in translations:
        if path in used:
            inputs.append(InputStats(file=path, read=1, evaluated=1, rejected=0))
        else:
            reject(path, InputError.at(
                path, None, None, "",
                "a configuration given in the same run that loads this translation file "
                "(language.translations: {en: './" + os.path.basename(path) + "'})",
                "none",
            ))
    report = Report(
        policy=PolicyRef.of(version, args.policy, given=args.policy is not None),
        command="banner",
        findings=tuple(findings),
        rules=tuple(r.id for r in REGISTRY.area("banner")),
        inputs=tuple(inputs),
        timezone=version.jurisdiction().timezone,
    )
    _write_report(report, args, out)
    if unreadable:
        # Exit 2 even though the other files were checked: an unread file is not a pass.
        raise InputError([issue for exc in unreadable for issue in exc.issues])
    return exit_code(report, args.fail_on)


def _reason(issue: Issue) -> str:
    """An issue's text without its ``file:line:column:`` prefix."""
    field = f"{issue.path}: " if issue.path else ""
    found = f", got {issue.found}" if issue.found is not None else ""
    return f"{field}{issue.expected}{found}"


def _loads(config: bytes, translation_path: str) -> bool:
    """Whether a configuration's text names a translation file (by its base name)."""
    return os.path.basename(translation_path).encode("utf-8") in config


def _parse_audit_as_of(text: str, zone: str) -> dt.date | dt.datetime:
    """``audit --as-of``: a date, or a date-time (naive ones in ``zone``).

    The audit needs the day after a date (its end) and the instant in every
    zone (a date-time): values at the ends of the calendar, where those do not
    exist, are a usage error here instead of an overflow deep in the audit.
    """
    is_date = len(text.strip()) == 10
    try:
        parsed = (dt.date if is_date else dt.datetime).fromisoformat(text.strip())
    except ValueError:
        raise UsageError(
            f"--as-of: expected an ISO 8601 date or date-time such as 2026-11-30 or 2026-11-30T12:00+01:00, got {text!r}"
        ) from None
    if not isinstance(parsed, dt.datetime):
        if not dt.date.min < parsed < dt.date.max:
            raise UsageError(
                f"--as-of: expected a date from 0001-01-02 to 9999-12-30 (the audit needs "
                f"the day before and after it), got {text!r}"
            )
        return parsed
    value = parsed
    if value.tzinfo is None:
        from zoneinfo import ZoneInfo

        value = value.replace(tzinfo=ZoneInfo(zone))
    in_every_zone(value, what="--as-of", text=text)
    return value


def _load_mapping(path: str) -> tuple[Any, Any]:
    """The portal mapping of ``--mapping``, and its ``tables`` section (``None`` if it has none)."""
    import pydantic

    from ._yaml import load_yaml
    from .audit import PortalMapping, WarehouseTables

    doc = load_yaml(read_file(path), source=path)
    data = dict(doc.data or {}) if isinstance(doc.data, dict) else doc.data
    tables = data.pop("tables", None) if isinstance(data, dict) else None
    try:
        mapping = PortalMapping.model_validate(data or {})
        warehouse = None if tables is None else WarehouseTables.model_validate(tables)
    except pydantic.ValidationError as exc:
        from ._args import field_issue
        from ._errors import Issue
        from ._yaml import format_path

        inner = exc.title == "WarehouseTables"
        model = WarehouseTables if inner else PortalMapping
        issues = []
        for e in exc.errors(include_url=False):
            # pydantic's "[key]" marks a refused dict key: the key itself is the place
            loc = (("tables",) if inner else ()) + tuple(
                x for x in e["loc"] if isinstance(x, (str, int)) and x != "[key]")
            plain = field_issue(e, source=path, pointer="", model=model)
            found = plain.found
            if isinstance(e.get("input"), bool):
                # YAML 1.1 reads NO, no, off, yes, on unquoted as booleans (Norway's code)
                found = (f"{found} (YAML reads an unquoted NO, no, off, yes or on as true or "
                         "false: put the value in quotes, 'NO')")
            line, col = doc.mark(loc)
            issues.append(Issue(path, line, col, format_path(loc), plain.expected,
                                None if found is None else found[:160]))
        raise InputError(issues) from exc
    return mapping, warehouse


class _Progress:
    """A one-line progress report on stderr, for terminals only."""

    def __init__(self, err: TextIO) -> None:
        self.err = err
        self.last = 0

    def __call__(self, name: str, count: int) -> None:
        if count - self.last >= 50_000 or count < self.last:
            self.last = count
            self.err.write(f"\r{name}: {count:,} records read")
            self.err.flush()

    def done(self) -> None:
        if self.last:
            self.err.write("\r\033[K")
            self.err.flush()


def _cmd_audit(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from contextlib import ExitStack

    from .audit import SnapshotInput, audit_snapshot, classify_files, deadline_hook
    from .report import audit_exit_code

    policy = load_policy_option(args.policy)
    chosen: dict[str, str | None] = {}
    contacts_format = None
    ignored_files: tuple[tuple[str, str], ...] = ()
    if args.dir is not None:
        try:
            names = sorted(os.listdir(args.dir))
        except OSError as exc:
            raise InputError.at(
                args.dir, None, None, "", "expected a readable directory", exc.strerror or str(exc)
            ) from exc
        selection = classify_files(names)
        for kind in ("contacts", "subscriptions", "campaigns", "sends", "requests", "properties"):
            name = getattr(selection, kind)
            chosen[kind] = os.path.join(args.dir, name) if name else None
        contacts_format = selection.contacts_format
        ignored_files = tuple((os.path.join(args.dir, n), why) for n, why in selection.ignored)
    for kind in (
        "contacts",
        "subscriptions",
        "campaigns",
        "sends",
        "requests",
        "properties",
        "recycle_bin",
    ):
        given = getattr(args, kind, None)
        if given is not None:
            chosen[kind] = given
            if kind == "contacts":
                contacts_format = "csv" if given.lower().endswith(".csv") else "json"
    mapping, tables = _load_mapping(args.mapping) if args.mapping else (None, None)
    if tables is not None and "://" not in args.engine:
        raise UsageError(
            f"--mapping names warehouse tables ({', '.join(tables.given())}): give the "
            "warehouse's Ibis connection string with --engine, e.g. --engine duckdb://crm.ddb"
        )
    if not any(chosen.values()) and not (tables is not None and tables.given()):
        raise UsageError(
            "audit: give a snapshot directory, at least one of --contacts, --subscriptions, "
            "--campaigns, --sends, --requests, or tables in the --mapping file"
        )
    from zoneinfo import ZoneInfo

    # --timezone is the zone of the export's naive times; --as-of is read in the
    # policy's own zone, as the docs say, whatever the export's zone is
    own_zone = policy.latest.jurisdiction().timezone
    zone = args.timezone or own_zone
    try:
        ZoneInfo(zone)
    except Exception:
        raise UsageError(
            f"--timezone: expected an IANA time zone such as Europe/Oslo, got {zone!r}"
        ) from None
    as_of = _parse_audit_as_of(args.as_of, own_zone)
    day = as_of.astimezone(ZoneInfo(own_zone)).date() if isinstance(as_of, dt.datetime) else as_of
    version = policy.at(day)
    progress = _Progress(err) if err.isatty() else None
    with ExitStack() as stack:
        inputs: dict[str, Any] = {}
        for kind, path in chosen.items():
            if path is None:
                continue
            try:
                fh = stack.enter_context(
                    open(
                        path,
                        encoding="utf-8",
                        newline="" if path.lower().endswith(".csv") else None,
                    )
                )
            except OSError as exc:
                raise InputError.at(
                    path, None, None, "", "expected a readable file", exc.strerror or str(exc)
                ) from exc
            inputs[kind] = SnapshotInput(path, fh)
        options: dict[str, Any] = {
            "as_of": as_of,
            "policy": version,
            "mapping": mapping,
            "timezone": args.timezone,
            "datetime_format": args.datetime_format,
            "request_hook": deadline_hook,
            "progress": progress,
            "ignored_files": ignored_files,
        }
        try:
            if tables is not None:
                from .audit import audit_tables
                from .audit._columnar import send_fold

                con = send_fold(args.engine).con  # the extra's and the URL's errors, worded
                report = audit_tables(con, tables, **options, **inputs)
            else:
                report = audit_snapshot(
                    contacts_format=contacts_format,
                    workers=_auto_workers() if args.workers == "auto" else args.workers,
                    engine=args.engine,
                    **options,
                    **inputs,
                )
        except UnicodeDecodeError as exc:
            # The error, maybe raised in a worker, names no file, and its offset counts
            # in the decoder's buffer: the inputs are read again to say where it is.
            raise _not_utf8([p for p in chosen.values() if p is not None], exc) from exc
        finally:
            if progress is not None:
                progress.done()
    # times are shown in the controller's zone, the policy's: --timezone only says how the
    # export's naive times were written (sorted already: no re-validation)
    report = report.model_copy(update={"timezone": version.jurisdiction().timezone})
    _write_report(report, args, out)
    return audit_exit_code(report, args.fail_on)


def _not_utf8(paths: Sequence[str], exc: UnicodeDecodeError) -> InputError | UsageError:
    """The error for an input that is not UTF-8: each such file, at its first bad byte.

    Falls back to ``exc``'s own words if every file decodes (it came from elsewhere).
    """
    from functools import partial

    from ._text import first_bad_utf8

    issues = []
    for path in paths:
        try:
            with open(path, "rb") as fh:
                # read in blocks: the size of the file does not matter
                where = first_bad_utf8(iter(partial(fh.read, 1 << 20), b""))
        except OSError:
            continue
        if where is not None:
            issues.append(Issue(
                path, where.line, where.column, "", "expected UTF-8 text (export the file as UTF-8)",
                where.found(),
            ))
    if issues:
        return InputError(issues)
    return UsageError(f"an input is not UTF-8 text ({exc.reason}); export it as UTF-8")


def _write_report(report: Any, args: argparse.Namespace, out: TextIO) -> None:
    """Render a report in ``--format`` to ``--output`` or ``out``.

    JSON and CSV are written as they are made: a large audit's report is never
    held whole as text.
    """
    # each format imports only its own renderer: a CI step pays for the one it uses
    from . import report as reports

    chunks: Iterable[str]
    output = getattr(args, "output", None)
    fmt = args.format or _format_of(output, args.report_formats)
    if fmt == "text":
        limit = getattr(args, "limit", None)
        chunks = [reports.render_text(report, args.lang, limit_per_rule=limit)]
    elif fmt == "json":
        chunks = reports.iter_json(report, args.lang)
    elif fmt == "csv":
        # with --output, the rejected records and the records per input go to files of
        # their own beside it: the findings file stays one table
        chunks = reports.iter_csv(report, args.lang, delimiter=args.delimiter,
                                  rejected=not output, inputs=not output)
    elif fmt == "html":
        # drawn here, at the edge (pygal reads its stylesheet), and before anything is
        # written: without the report extra the command fails with nothing half-made
        chunks = reports.iter_html(report, args.lang, reports.draw_charts(report, args.lang))
    elif fmt == "xlsx":
        if not output:
            raise UsageError("--format xlsx writes a workbook: give --output FILE.xlsx")
        from .report._xlsx import require_xlsxwriter

        # the file is opened here, as every format's, once the extra is known to be there
        # (without it nothing is made): a missing directory is then open()'s one-line error,
        # before XlsxWriter makes its temporary files
        require_xlsxwriter()
        with _writing(output, "wb") as fh:
            reports.write_xlsx(report, fh, args.lang)
        return
    elif fmt == "junit":
        # a test fails where the exit code does: findings below --fail-on pass
        chunks = [reports.render_junit(report, args.lang, fail_on=args.fail_on)]
    else:
        chunks = [reports.render(report, fmt, args.lang)]
    if output:
        with _writing(
            output,
            encoding="utf-8-sig" if fmt == "csv" else "utf-8",
            newline="",
            # a file name that is not UTF-8 reaches the report surrogate-escaped
            # (os.fsdecode); it is written as \udcff, as JSON writes it
            errors="backslashreplace",
        ) as fh:
            fh.writelines(chunks)
        if fmt == "csv":
            _write_beside(report, args, rejected_csv_path(output), reports.iter_rejected_csv)
            _write_beside(report, args, inputs_csv_path(output), reports.iter_inputs_csv)
    else:
        out.writelines(chunks)


def _format_of(output: str | None, formats: Sequence[str]) -> str:
    """The format an ``--output`` file's extension names (``report.xlsx``), if the command
    writes it; else text."""
    if output:
        ext = os.path.splitext(output)[1].lower().lstrip(".")
        ext = "html" if ext == "htm" else ext
        if ext in formats:
            return ext
    return "text"


def _beside(output: str, table: str) -> str:
    """``FILE.TABLE.csv`` beside ``--output FILE.csv``."""
    stem, dot, ext = output.rpartition(".")
    return f"{stem}.{table}.{ext}" if dot and "/" not in ext else f"{output}.{table}.csv"


def rejected_csv_path(output: str) -> str:
    """Where ``--output FILE.csv`` puts the rejected records: ``FILE.rejected.csv``."""
    return _beside(output, "rejected")


def inputs_csv_path(output: str) -> str:
    """Where ``--output FILE.csv`` puts the records per input: ``FILE.inputs.csv``."""
    return _beside(output, "inputs")


def _write_beside(
    report: Any, args: argparse.Namespace, path: str, table: Callable[..., Iterable[str]]
) -> None:
    """Write one of the CSV's further tables to ``path``, always (with its header), so that
    a script finds it."""
    with _writing(path, encoding="utf-8-sig", newline="", errors="backslashreplace") as fh:
        fh.writelines(table(report, args.lang, delimiter=args.delimiter))


@contextlib.contextmanager
def _writing(path: str, mode: str = "w", **kw: Any) -> Iterator[Any]:
    """``path`` opened for ``--output``; a failure to open or write it is one usage line."""
    try:
        with open(path, mode, **kw) as fh:
            yield fh
    except OSError as exc:
        raise UsageError(f"--output: cannot write {path}: {exc.strerror or exc}") from exc


def _workers(text: str) -> int | str:
    if text == "auto":
        return text
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number or auto, got {text!r}") from None


def _engine(text: str) -> str:
    if text in ("python", "duckdb", "spark") or "://" in text:
        return text
    raise argparse.ArgumentTypeError(
        f"expected python, duckdb, spark or an Ibis connection string (backend://...), "
        f"got {text!r}")


def _auto_workers() -> int:
    # the CPUs this process may run on (a container may allow fewer than the machine has)
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on every platform
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, 4))


def _cmd_init(args: argparse.Namespace, out: TextIO) -> int:
    from . import _cli_init

    inputs = {path: read_file(path) for path in dict.fromkeys(args.from_banner)}
    text = _cli_init.run(args, inputs, parse_as_of(args.as_of))
    if not args.output:
        out.write(text)
        return EXIT_OK
    if os.path.exists(args.output) and not args.force:
        raise UsageError(f"--output: {args.output} exists; give --force to overwrite it")
    with _writing(args.output, encoding="utf-8") as fh:
        fh.write(text)
    return EXIT_OK


def _cmd_deadline(args: argparse.Namespace, out: TextIO) -> int:
    from . import _cli_deadline

    return _cli_deadline.run(args, load_policy_option(args.policy), args.lang, args.format, out)


def _build_parser() -> tuple[
    argparse.ArgumentParser, dict[str, Callable[[argparse.Namespace, TextIO], int]]
]:
    parser = _Parser(
        prog="gdpr-policy",
        description="A privacy statement as policy-as-code: lint the policy, check consent "
        "banners, compute request deadlines, audit CRM snapshots.",
    )
    parser.add_argument("--version", action="version", version=f"gdpr-policy {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    handlers: dict[str, Callable[[argparse.Namespace, TextIO], int]] = {
        "lint": _cmd_lint,
        "rules": _cmd_rules,
        "schema": _cmd_schema,
        "banner": _cmd_banner,
        "init": _cmd_init,
        "deadline": _cmd_deadline,
    }
    commands: tuple[tuple[str, Callable[[argparse.ArgumentParser], None], str], ...] = (
        ("lint", _lint_arguments, "validate a policy and check its meaning"),
        ("rules", _rules_arguments, "list every rule with its severity and references"),
        ("schema", _no_arguments, "print the JSON Schema of the policy format"),
        (
            "banner",
            _banner_arguments,
            "check consent-banner configurations (cookieconsent, Klaro, Consent Mode, GTM, native)",
        ),
        (
            "audit",
            _audit_arguments,
            "audit a CRM snapshot (HubSpot exports, e-mail and request logs) against the policy",
        ),
        ("init", _init_arguments,
         "write a starting policy for a site from its banner configuration files"),
        ("deadline", _deadline_arguments,
         "compute the response deadline of a data-subject request, with every step"),
    )
    for name, configure, help_text in commands:
        sub.add_parser(name, help=help_text).defer(configure)
    return parser, handlers


def _no_arguments(p: argparse.ArgumentParser) -> None:
    pass


def _lint_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "policy_files", nargs="*", metavar="POLICY",
        help="policy YAML (default: bundled); several, each linted in turn, as a pre-commit "
        "hook passes them (text and github formats only)",
    )
    _add_report_options(p)


def _rules_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    p.add_argument("--lang", choices=LANGS, default="en")


def _banner_arguments(p: argparse.ArgumentParser) -> None:
    p.description = (
        "Read banner configurations without executing them and check them against the policy."
    )
    p.add_argument(
        "files",
        nargs="+",
        metavar="FILE",
        help="banner configuration files (JS, HTML, JSON or YAML)",
    )
    p.add_argument(
        "--config-format",
        choices=("auto", "cookieconsent", "klaro", "gtag", "gtm", "native"),
        default="auto",
        help="format of the files (default: detect from content)",
    )
    p.add_argument("--as-of", metavar="DATE", help="evaluate as of this date (default: today)")
    _add_report_options(p, ("text", "json", "sarif", "junit", "github", "csv", "html", "xlsx"))


def _audit_arguments(p: argparse.ArgumentParser) -> None:
    p.description = (
        "Audit a snapshot directory (files found by name) or single files, as of an explicit date."
    )
    p.add_argument(
        "dir", nargs="?", metavar="DIR", help="snapshot directory; its files are found by name"
    )
    p.add_argument(
        "--as-of",
        required=True,
        metavar="WHEN",
        help="audit as of this date or date-time (required)",
    )
    for kind, what in (
        ("contacts", "contacts: HubSpot UI export CSV or CRM v3 JSON / JSON Lines"),
        ("subscriptions", "subscription statuses (JSON Lines)"),
        ("campaigns", "e-mail campaigns with their purpose (JSON)"),
        ("sends", "the e-mail send log (JSON Lines)"),
        ("requests", "the data-subject request log (JSON Lines)"),
        ("properties", "the portal's property definitions (JSON), for CSV label headers"),
        ("recycle-bin", "a CRM v3 contacts dump read for its archived (soft-deleted) records"),
    ):
        p.add_argument(f"--{kind}", metavar="FILE", help=what)
    p.add_argument(
        "--timezone",
        metavar="ZONE",
        help="zone of the CSV export's naive times (default: the policy's jurisdiction zone; "
        "a warehouse table's naive text: UTC; timestamp columns are always UTC); --as-of "
        "is always read in the policy's zone",
    )
    p.add_argument(
        "--datetime-format",
        default=None,
        metavar="FMT",
        help="strftime format of CSV times, e.g. %%d/%%m/%%y %%H:%%M (default: inferred per "
        "column from the values; needed only when the day/month order is ambiguous)",
    )
    p.add_argument(
        "--mapping",
        metavar="FILE",
        help="portal property mapping (YAML or JSON): which properties mean what, "
        "'columns' to rename a file's columns, and 'tables' to read warehouse tables in place "
        "(with --engine URL); default: the documented HubSpot names",
    )
    p.add_argument(
        "--workers",
        type=_workers,
        default="auto",
        metavar="N",
        help="processes reading the inputs at once: a number, or auto for one per CPU, "
        "at most 4 (default: auto); the report is the same",
    )
    p.add_argument(
        "--engine",
        type=_engine,
        default="python",
        metavar="ENGINE",
        help="what folds the send log: python (the reference, no extra needed), duckdb "
        "(embedded), spark (the session Spark's configuration gives: a cluster, or local "
        "mode), or an Ibis connection string such as duckdb:///audit.ddb; duckdb and "
        "URLs need pip install 'gdpr-policy[engine]', spark 'gdpr-policy[spark]' and Java "
        "(default: python); the report is the same and names the engine",
    )
    p.add_argument(
        "--limit",
        type=int,
        default=20,
        metavar="N",
        help="text output: findings shown per rule (default: 20)",
    )
    _add_report_options(p, ("text", "json", "csv", "html", "xlsx"))


def _init_arguments(p: argparse.ArgumentParser) -> None:
    from . import _cli_init

    _cli_init.configure(p)


def _deadline_arguments(p: argparse.ArgumentParser) -> None:
    from . import _cli_deadline

    _cli_deadline.configure(p)
    p.add_argument(
        "--policy", metavar="PATH", help="policy YAML file (default: the bundled Inmeta policy)"
    )
    p.add_argument(
        "--format", choices=("text", "json"), default="text", help="output format (default: text)"
    )
    p.add_argument(
        "--lang", choices=LANGS, default="en", help="language of steps and dates (default: en)"
    )


class _Stdout:
    """Standard output as the commands write it.

    - What a program reads (every format but ``text``: JSON, SARIF, JUnit, CSV, the
      schema, a policy from ``init``) is written as UTF-8 bytes to the binary stream
      under it, whatever the locale: the docs promise UTF-8, and a runner or a file
      reads it so. Text for people is written in the stream's encoding, a character
      it cannot hold as a backslash escape (``\\u2014``) instead of an error.
    - A reader that stops reading (``| head``) ends the writing, not the run: later
      writes are dropped, and the command still returns the exit code it earned.
    - Any other failure to write (no standard output, a full disk) is a
      :class:`UsageError`: one line on stderr and exit 2, not a traceback.
    """

    def __init__(self, stream: TextIO | None) -> None:
        self._stream = stream
        #: whether the command writes for a program (UTF-8), set once its arguments are read
        self.utf8 = False
        #: whether the reader went away (a broken pipe)
        self.reader_gone = False
        self._text_flushed = False

    def write(self, s: str) -> int:
        if not self.reader_gone and s:
            self._guarded(lambda: self._write(s))
        return len(s)

    def writelines(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.write(line)
            if self.reader_gone:  # render no more of a large report for nobody
                break

    def flush(self) -> None:
        if not self.reader_gone and self._stream is not None:
            self._guarded(self._stream.flush)

    def _write(self, s: str) -> None:
        stream = self._stream
        if stream is None:  # Python's stand-in for a closed descriptor 1 (`>&-`)
            raise OSError(errno.EBADF, "it is closed")
        binary = getattr(stream, "buffer", None) if self.utf8 else None
        if binary is not None:
            if not self._text_flushed:  # what was written as text comes first
                stream.flush()
                self._text_flushed = True
            binary.write(s.encode("utf-8", "backslashreplace"))
            return
        encoding = getattr(stream, "encoding", None)
        if encoding and not self.utf8:
            s = s.encode(encoding, "backslashreplace").decode(encoding)
        stream.write(s)

    def _guarded(self, action: Callable[[], object]) -> None:
        try:
            action()
        except BrokenPipeError:
            self.reader_gone = True
        except OSError as exc:
            raise UsageError(f"cannot write standard output: {exc.strerror or exc}") from exc


def _writes_for_a_program(args: argparse.Namespace) -> bool:
    """Whether a command's standard output is for a program to read, not for people."""
    if args.command in ("schema", "init"):  # JSON Schema, a policy YAML
        return True
    return getattr(args, "format", None) not in (None, "text")


def main(
    argv: Sequence[str] | None = None, *, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> int:
    """Run the command line; returns the exit code (tests call this in-process).

    A reader that stops reading standard output early (``| head``) does not change
    the exit code: the command runs to its end and returns its own.
    """
    out = _Stdout(stdout if stdout is not None else sys.stdout)
    err = stderr if stderr is not None else sys.stderr
    try:
        code = _dispatch(argv, out, err)
    except (InputError, UsageError) as exc:
        err.write(f"{exc}\n")
        code = EXIT_USAGE
    except GdprPolicyError as exc:
        err.write(f"gdpr-policy: internal error: {exc}\n")
        code = EXIT_USAGE
    try:
        out.flush()  # a failure to write the last bytes is said here, not at exit
    except UsageError as exc:
        err.write(f"{exc}\n")
        code = EXIT_USAGE
    return code


def _dispatch(argv: Sequence[str] | None, out: _Stdout, err: TextIO) -> int:
    parser, handlers = _build_parser()
    try:
        args = parser.parse_args(list(argv) if argv is not None else None)
    except SystemExit as exc:  # --help and --version print and exit 0
        return int(exc.code or 0)
    if args.command is None:
        parser.print_usage(err)
        return EXIT_USAGE
    if args.command != "banner":  # the banner command says when its imports are done
        _imports_done()
    out.utf8 = _writes_for_a_program(args)
    # a TextIO to the commands, which only write to it
    stdout = cast(TextIO, out)
    if args.command == "audit":
        return _cmd_audit(args, stdout, err)
    return handlers[args.command](args, stdout)


#: Set by :func:`run` while the cyclic garbage collector is paused for the imports.
_collector_paused = False


def _imports_done() -> None:
    """Switch the garbage collector back on after a command's imports (see :func:`run`).

    The objects made so far (modules, classes, pydantic schemas, tables) live as long
    as the process: they are frozen out of the collector's way, so that no later
    collection scans them again. Does nothing unless :func:`run` paused the collector.
    """
    global _collector_paused
    if _collector_paused:
        _collector_paused = False
        gc.freeze()
        gc.enable()


def run() -> NoReturn:
    """Entry point of the console script and of ``python -m gdpr_policy``.

    Two process-wide settings that a program may make and the library never
    does (``main``, which tests and embedding programs call, makes neither):

    - ``PYDANTIC_DISABLE_PLUGINS=__all__`` unless the variable is set (an empty
      value turns plugins back on): pydantic otherwise reads the entry points of
      every installed distribution to find plugins, on the first model the
      command builds. The models here are the tool's own internals; a plugin
      has nothing to observe in them.
    - The cyclic garbage collector pauses until the command has imported what
      it uses: imports make only objects that live until exit, so collecting
      during them finds nothing (see :func:`_imports_done`).

    Both only save start-up time (``benchmarks/startup.py``); no output changes.

    Two more concern the process's own streams: standard error writes what its
    encoding cannot hold as backslash escapes, and after a broken pipe or a full
    disk descriptor 1 is pointed at the null device (:func:`_settle_stdout`), so
    that the exit code is the run's and no "Exception ignored" follows it.
    """
    global _collector_paused
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    if gc.isenabled():
        gc.disable()
        _collector_paused = True
    if isinstance(sys.stderr, io.TextIOWrapper):
        # an error message names files and values: one the locale cannot encode is shown
        # as an escape, not raised as a second error in place of the first
        sys.stderr.reconfigure(errors="backslashreplace")
    code = main()
    _settle_stdout()
    sys.exit(code)


def _settle_stdout() -> None:
    """Point descriptor 1 at the null device if standard output cannot take what is left.

    After a broken pipe or a full disk (which :func:`main` has said, or which is no
    error), the bytes left in the buffer have nowhere to go; without this, the
    interpreter's own flush at exit fails again and prints "Exception ignored ...
    BrokenPipeError" and exits 120 instead of the run's code.
    """
    stream = sys.stdout
    if stream is None:
        return
    try:
        stream.flush()
    except OSError:
        try:
            fd = stream.fileno()
        except (OSError, ValueError):
            return
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, fd)
        os.close(devnull)
