from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, TextIO
from xml.etree import ElementTree

import pytest

from gdpr_policy import __version__
from gdpr_policy._policy import bundled_policy_text
from gdpr_policy.cli import main


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_lint_bundled_policy_exits_zero_with_the_channel_warning() -> None:
    code, out, err = run("lint")
    assert code == 0, err
    assert "policy.channel-mismatch" in out
    assert err == ""


def test_lint_fail_on_warning_exits_one() -> None:
    code, _, _ = run("lint", "--fail-on", "warning")
    assert code == 1


def test_lint_json_uses_the_shared_shape() -> None:
    code, out, _ = run("lint", "--format", "json", "--lang", "nb")
    assert code == 0
    data = json.loads(out)
    assert data["tool"] == {"name": "gdpr-policy", "version": __version__}
    assert data["policy"] == {"id": "inmeta", "version": "2024-03-06"}
    assert len(data["findings"]) == 18  # the statement against the law: tests/test_lint.py lists them
    finding = data["findings"][0]  # in file order: the channel comes first
    assert finding["rule"] == "policy.channel-mismatch"
    assert finding["location"]["file"] == "inmeta.yaml"
    assert finding["message"].startswith("Kontaktkanalen")
    assert finding["references"]["statement"] == ["S01", "S34"]


def test_malformed_policy_exits_two_with_a_located_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(bundled_policy_text().replace("after: P2Y ", "after: two years"), "utf-8")
    code, out, err = run("lint", str(bad))
    assert code == 2
    assert out == ""
    (line,) = err.splitlines()
    assert line.startswith(f"{bad}:")
    assert (
        ": versions[0].retention[0].after: expected an ISO 8601 duration such as P2Y, or "
        "not-stated where the statement gives none, got 'two years'"
        in line
    )
    assert "Traceback" not in err


def test_policy_option_and_positional_must_agree(tmp_path: Path) -> None:
    good = tmp_path / "p.yaml"
    good.write_text(bundled_policy_text(), "utf-8")
    assert run("lint", str(good))[0] == 0
    assert run("lint", "--policy", str(good))[0] == 0
    code, _, err = run("lint", str(good), "--policy", str(tmp_path / "other.yaml"))
    assert code == 2
    assert "give the policy once" in err


def test_unreadable_policy_exits_two(tmp_path: Path) -> None:
    code, _, err = run("lint", str(tmp_path / "missing.yaml"))
    assert code == 2
    assert err.startswith(f"{tmp_path / 'missing.yaml'}: expected a readable file")


def test_invalid_yaml_exits_two(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\nid: y\n", "utf-8")
    code, _, err = run("lint", str(bad))
    assert code == 2
    assert (
        err.strip()
        == f"{bad}:2:1: id: expected each key once (first given at line 1), got duplicate key 'id'"
    )


def test_usage_errors_are_one_line() -> None:
    code, _, err = run("lint", "--format", "pdf")
    assert code == 2
    assert len(err.strip().splitlines()) == 1
    code, _, err = run("no-such-command")
    assert code == 2
    assert len(err.strip().splitlines()) == 1
    code, _, err = run()
    assert code == 2


def test_rules_text_json_markdown() -> None:
    code, out, _ = run("rules")
    assert code == 0
    assert "policy.channel-mismatch" in out
    data = json.loads(run("rules", "--format", "json")[1])
    assert any(r["id"] == "policy.consent-without-withdrawal" for r in data["rules"])
    assert run("rules", "--format", "markdown")[1].startswith("# Rule catalog")


def test_schema_is_json() -> None:
    code, out, _ = run("schema")
    assert code == 0
    assert json.loads(out)["title"] == "Policy"


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("--version")[0] == 0
    assert capsys.readouterr().out.strip() == f"gdpr-policy {__version__}"


COMMANDS = ("lint", "rules", "schema", "banner", "audit", "init", "deadline")


def test_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("--help")[0] == 0
    out = capsys.readouterr().out
    listed = [c for c in COMMANDS if f"\n    {c} " in out]
    assert listed == list(COMMANDS)
    assert "write a starting policy for a site" in out
    assert "compute the response deadline" in out


@pytest.mark.parametrize(
    ("command", "description", "option"),
    [
        ("banner", "Read banner configurations without executing them", "--config-format"),
        ("audit", "Audit a snapshot directory", "--recycle-bin"),
        ("init", "Write a starting policy", "--from-banner"),
        ("deadline", "Compute when a data-subject request must be answered", "--identity-asked"),
        ("lint", "--fail-on", "--delimiter"),
    ],
)
def test_a_commands_help_has_its_description_and_options(
    command: str, description: str, option: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # The arguments are added when the command is used; its own --help is a use.
    assert run(command, "--help")[0] == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: gdpr-policy {command} ")
    assert description in " ".join(out.split())
    assert option in out


def test_a_commands_usage_error_shows_its_own_usage() -> None:
    code, _, err = run("deadline")
    assert code == 2
    assert err.startswith("gdpr-policy deadline: the following arguments are required: --received")


# --- standard output: its encoding, a reader that goes away, one that is not there

ROOT = Path(__file__).resolve().parent.parent
PRESELECTED = str(ROOT / "examples" / "banners" / "klaro" / "preselected.js")
BANNER = ("banner", PRESELECTED, "--as-of", "2026-11-30")


def run_on(stdout: TextIO, *argv: str) -> tuple[int, str]:
    err = io.StringIO()
    code = main(list(argv), stdout=stdout, stderr=err)
    return code, err.getvalue()


def _latin1() -> tuple[io.TextIOWrapper, io.BytesIO]:
    """A standard output as an ISO-8859-1 locale makes it (strict, as Python's own)."""
    raw = io.BytesIO()
    return io.TextIOWrapper(raw, encoding="latin-1", newline=""), raw


@pytest.mark.parametrize("fmt", ["json", "sarif", "junit", "github", "csv", "html"])
def test_machine_formats_are_utf8_whatever_the_locale(fmt: str) -> None:
    stdout, raw = _latin1()
    code, err = run_on(stdout, *BANNER, "--format", fmt, "--lang", "nb")
    assert (code, err) == (1, "")
    stdout.flush()
    assert raw.getvalue().decode("utf-8") == run(*BANNER, "--format", fmt, "--lang", "nb")[1]


def test_text_on_a_latin1_terminal_shows_what_it_cannot_encode_as_escapes() -> None:
    stdout, raw = _latin1()
    code, err = run_on(stdout, *BANNER, "--lang", "nb")
    assert (code, err) == (1, "")  # the findings' exit code, not a UnicodeEncodeError
    stdout.flush()
    text = raw.getvalue().decode("latin-1")
    expected = run(*BANNER, "--lang", "nb")[1]
    assert "—" in expected and "ø" in expected
    assert text == expected.replace("—", "\\u2014")  # the Latin-1 letters stay as they are


class _Pipe(io.StringIO):
    """Standard output piped into ``head -c LIMIT``: the reader goes away after LIMIT."""

    def __init__(self, limit: int, *, at_flush: bool = False) -> None:
        super().__init__()
        self.limit, self.at_flush, self.writes_after = limit, at_flush, 0

    def write(self, s: str) -> int:
        if self.tell() + len(s) > self.limit:
            self.writes_after += 1
            raise BrokenPipeError(32, "Broken pipe")
        return super().write(s)

    def flush(self) -> None:
        if self.at_flush:
            raise BrokenPipeError(32, "Broken pipe")


@pytest.mark.parametrize("fmt", ["text", "json", "csv"])
def test_a_reader_that_goes_away_keeps_the_runs_exit_code(fmt: str) -> None:
    pipe = _Pipe(10)
    code, err = run_on(pipe, *BANNER, "--format", fmt)
    assert (code, err) == (1, "")  # the findings, not 0
    assert pipe.writes_after == 1  # nothing more is written once the reader has gone
    assert run_on(_Pipe(10**9, at_flush=True), *BANNER, "--format", fmt) == (1, "")
    assert run_on(_Pipe(0), "rules", "--format", "json") == (0, "")


def test_a_reader_that_goes_away_does_not_hide_an_unread_file(tmp_path: Path) -> None:
    code, err = run_on(_Pipe(10), "banner", PRESELECTED, str(tmp_path / "nope.js"),
                       "--as-of", "2026-11-30", "--format", "json")
    assert code == 2
    assert "nope.js: expected a readable file" in err


class _Full(io.StringIO):
    def write(self, s: str) -> int:
        raise OSError(28, "No space left on device")


def test_a_full_disk_is_one_line_and_exit_two() -> None:
    assert run_on(_Full(), *BANNER, "--format", "json") == (
        2, "cannot write standard output: No space left on device\n")
    assert run_on(_Full(), "schema") == (
        2, "cannot write standard output: No space left on device\n")


def test_a_closed_standard_output_is_one_line_and_exit_two(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr("sys.stdout", None)  # what Python makes of `>&-`
    err = io.StringIO()
    assert main(list(BANNER), stderr=err) == 2
    assert err.getvalue() == "cannot write standard output: it is closed\n"
    # a report written to a file needs no standard output
    err = io.StringIO()
    assert main([*BANNER, "--output", str(tmp_path / "r.json")], stderr=err) == 1
    assert err.getvalue() == ""


def _process(*argv: str, **kwargs: Any) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "gdpr_policy", *argv], stderr=subprocess.PIPE, cwd=ROOT,
        timeout=120, check=False, **kwargs)


def test_the_process_piped_into_head_exits_with_its_own_code_and_no_traceback() -> None:
    # the reader end is closed before the command writes: every write finds no reader
    read, write = os.pipe()
    os.close(read)
    try:
        done = _process(*BANNER, "--format", "json", stdout=write)
    finally:
        os.close(write)
    assert (done.returncode, done.stderr) == (1, b"")


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")
def test_the_process_on_a_full_disk_or_a_closed_stdout_says_so_in_one_line() -> None:
    with open("/dev/full", "wb") as full:
        done = _process(*BANNER, "--format", "json", stdout=full)
    assert done.returncode == 2
    assert done.stderr == b"cannot write standard output: No space left on device\n"
    done = _process(*BANNER, stdout=subprocess.DEVNULL, preexec_fn=lambda: os.close(1))
    assert (done.returncode, done.stderr) == (2, b"cannot write standard output: it is closed\n")


def test_the_process_on_a_latin1_terminal_writes_utf8_json_and_escaped_text() -> None:
    env = {**os.environ, "PYTHONIOENCODING": "latin-1"}
    done = _process(*BANNER, "--format", "json", "--lang", "nb", stdout=subprocess.PIPE, env=env)
    assert done.returncode == 1
    assert json.loads(done.stdout.decode("utf-8"))["findings"]
    done = _process(*BANNER, "--lang", "nb", stdout=subprocess.PIPE, env=env)
    assert (done.returncode, done.stderr) == (1, b"")
    assert b"\\u2014" in done.stdout


# --- lint: the policy file is the input its rules passed or failed on


def test_a_clean_lint_shows_its_passed_rules_in_junit(monkeypatch: pytest.MonkeyPatch) -> None:
    import gdpr_policy._lint

    monkeypatch.setattr(gdpr_policy._lint, "lint_policy", lambda policy: [])
    code, out, _ = run("lint", "--format", "junit")
    assert code == 0
    root = ElementTree.fromstring(out)
    cases = list(root.iter("testcase"))
    assert int(root.get("tests", "0")) == len(cases) > 10
    assert {c.get("classname") for c in cases} == {"inmeta.yaml"}
    assert [c for c in cases if list(c)] == []  # every rule passed
    data = json.loads(run("lint", "--format", "json")[1])
    assert data["inputs"] == [
        {"file": "inmeta.yaml", "read": 1, "evaluated": 1, "rejected": 0, "problems": []}]


# --- --output of a workbook where it cannot be written


def test_xlsx_to_a_missing_directory_is_one_line_as_other_formats(tmp_path: Path) -> None:
    for ext in ("html", "xlsx"):
        target = tmp_path / "nodir" / f"r.{ext}"
        code, out, err = run(*BANNER, "--output", str(target))
        assert (code, out) == (2, "")
        assert err == f"--output: cannot write {target}: No such file or directory\n"


def test_lint_takes_the_several_files_a_pre_commit_hook_passes() -> None:
    # the published hook passes every matching file; lint took one and failed with
    # "unrecognized arguments" on a repository with two policies (this one's policies/)
    root = Path(__file__).resolve().parent.parent
    inmeta, norrsken = str(root / "policies" / "inmeta.yaml"), str(root / "policies" / "norrsken.yaml")
    code, out, err = run("lint", inmeta, norrsken)
    assert err == ""
    assert out.count("— lint — policy") == 2
    assert out.index("policy inmeta") < out.index("policy norrsken-moln")
    # the worst of the two: Norrsken's statement has errors, Inmeta's only warnings
    assert (run("lint", inmeta)[0], run("lint", norrsken)[0], code) == (0, 1, 1)
    code, _, err = run("lint", inmeta, norrsken, "--format", "json")
    assert code == 2 and "give one policy file for --format json" in err
