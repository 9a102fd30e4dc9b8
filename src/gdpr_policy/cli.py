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
import datetime as dt
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, NoReturn, TextIO

from ._errors import GdprPolicyError, InputError, UsageError
from ._version import __version__

if TYPE_CHECKING:
    from ._policy import Policy

__all__ = ["main"]

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_REJECTED = 0, 1, 2, 3
LANGS = ("en", "nb", "sv")
REPORT_FORMATS = ("text", "json", "sarif", "junit", "github", "csv")


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line and a UsageError, not SystemExit."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message} (see --help)")


def read_file(path: str) -> bytes:
    """Read a whole input file; an unreadable one is an InputError naming the path."""
    try:
        with open(path, "rb") as fh:
            return fh.read()
    except OSError as exc:
        raise InputError.at(
            path, None, None, "", "expected a readable file", exc.strerror or str(exc)
        ) from exc


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
        "--format", choices=formats, default="text", help="output format (default: text)"
    )
    p.add_argument(
        "--lang", choices=LANGS, default="en", help="language of messages and dates (default: en)"
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
    from .report import PolicyRef, Report, exit_code, render

    if args.policy_file and args.policy and args.policy_file != args.policy:
        raise UsageError("lint: give the policy once, as POLICY or --policy")
    path = args.policy_file or args.policy
    policy = load_policy_option(path)
    findings = lint_policy(policy)
    report = Report(
        policy=PolicyRef.of(policy.latest),
        command="lint",
        findings=tuple(findings),
        rules=tuple(r.id for r in REGISTRY.area("policy")),
    )
    out.write(render(report, args.format, args.lang))
    return exit_code(report, args.fail_on)


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
        raise UsageError(f"--as-of: expected an ISO 8601 date such as 2026-11-30, got {text!r}") from None


def _cmd_banner(args: argparse.Namespace, out: TextIO) -> int:
    from ._rules import REGISTRY
    from .banner import read_banner
    from .banner.rules import evaluate_banner
    from .report import InputStats, PolicyRef, Rejection, Report, exit_code, render

    as_of = parse_as_of(args.as_of)
    version = load_policy_option(args.policy).at(as_of)
    findings = []
    inputs = []
    unreadable: list[InputError] = []
    for path in args.files:
        try:
            banner = read_banner(read_file(path), source=path, format=args.config_format)
        except InputError as exc:
            unreadable.append(exc)
            first = exc.issues[0]
            inputs.append(
                InputStats(
                    file=path, read=1, evaluated=0, rejected=1,
                    problems=(Rejection(file=path, line=first.line, column=first.column, pointer=first.pointer, reason=str(exc).splitlines()[0]),),
                )
            )
            continue
        findings.extend(evaluate_banner(banner, version, as_of))
        inputs.append(InputStats(file=path, read=1, evaluated=1, rejected=0))
    report = Report(
        policy=PolicyRef.of(version),
        command="banner",
        findings=tuple(findings),
        rules=tuple(r.id for r in REGISTRY.area("banner")),
        inputs=tuple(inputs),
    )
    out.write(render(report, args.format, args.lang))
    if unreadable:
        raise InputError([issue for exc in unreadable for issue in exc.issues])
    return exit_code(report, args.fail_on)


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
    handlers: dict[str, Callable[[argparse.Namespace, TextIO], int]] = {}

    p = sub.add_parser("lint", help="validate a policy and check its meaning")
    p.add_argument(
        "policy_file", nargs="?", metavar="POLICY", help="policy YAML (default: bundled)"
    )
    _add_report_options(p)
    handlers["lint"] = _cmd_lint

    p = sub.add_parser("rules", help="list every rule with its severity and references")
    p.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    p.add_argument("--lang", choices=LANGS, default="en")
    handlers["rules"] = _cmd_rules

    p = sub.add_parser("schema", help="print the JSON Schema of the policy format")
    handlers["schema"] = _cmd_schema

    p = sub.add_parser(
        "banner",
        help="check consent-banner configurations (cookieconsent, Klaro, Consent Mode, GTM, native)",
        description="Read banner configurations without executing them and check them against the policy.",
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="banner configuration files (JS, HTML, JSON or YAML)")
    p.add_argument(
        "--config-format", choices=("auto", "cookieconsent", "klaro", "gtag", "gtm", "native"), default="auto",
        help="format of the files (default: detect from content)",
    )
    p.add_argument("--as-of", metavar="DATE", help="evaluate as of this date (default: today)")
    _add_report_options(p, ("text", "json", "sarif", "junit", "github"))
    handlers["banner"] = _cmd_banner

    from . import _cli_deadline

    _cli_deadline.configure(sub)
    p = sub.choices["deadline"]
    p.add_argument("--policy", metavar="PATH", help="policy YAML file (default: the bundled Inmeta policy)")
    p.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    p.add_argument("--lang", choices=LANGS, default="en", help="language of steps and dates (default: en)")
    handlers["deadline"] = _cmd_deadline

    return parser, handlers


def main(
    argv: Sequence[str] | None = None, *, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> int:
    """Run the command line; returns the exit code (tests call this in-process)."""
    out = stdout if stdout is not None else sys.stdout
    err = stderr if stderr is not None else sys.stderr
    parser, handlers = _build_parser()
    try:
        try:
            args = parser.parse_args(list(argv) if argv is not None else None)
        except SystemExit as exc:  # --help and --version print and exit 0
            return int(exc.code or 0)
        if args.command is None:
            parser.print_usage(err)
            return EXIT_USAGE
        return handlers[args.command](args, out)
    except (InputError, UsageError) as exc:
        err.write(f"{exc}\n")
        return EXIT_USAGE
    except GdprPolicyError as exc:
        err.write(f"gdpr-policy: internal error: {exc}\n")
        return EXIT_USAGE
    except BrokenPipeError:  # output piped into head: not an error of ours
        return EXIT_OK


def run() -> NoReturn:
    """Entry point of the console script."""
    sys.exit(main())
