from __future__ import annotations

import io
import json
from pathlib import Path

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
    assert len(data["findings"]) == 12
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
