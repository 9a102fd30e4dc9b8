"""JavaScript configurations are parsed, never executed.

Every config here would leave a visible trace if any of its code ran (a file
written into ``tmp_path``, an environment variable set): an IIFE, a getter, a
``constructor.constructor`` (Function) call, ``eval``, a template literal with
a substitution, a class constructor, an arrow function call. The tests assert
that no trace exists and that each such value is recorded as dynamic, with
its construct, rather than guessed. (``tests/banner/test_js.py`` covers the
value reader; this covers the public reader on whole configurations.)
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from gdpr_policy import read_banner

ENV = "GDPR_POLICY_TEST_EXECUTED"


def _effects(target: Path) -> tuple[str, str]:
    """JS statements with a visible side effect, if anything ever ran them."""
    write = f"require('fs').writeFileSync({str(target)!r}, 'executed')"
    return write, f"process.env.{ENV} = 'executed'"


@pytest.fixture
def trace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv(ENV, raising=False)
    return tmp_path / "executed.txt"


def _assert_nothing_ran(target: Path) -> None:
    assert not target.exists()
    assert list(target.parent.iterdir()) == []
    assert ENV not in os.environ


def test_klaro_config_code_does_not_run(trace: Path) -> None:
    write, setenv = _effects(trace)
    text = f"""
    var klaroConfig = {{
      cookieName: (function () {{ {write}; return 'klaro'; }})(),
      get mustConsent() {{ {setenv}; return false; }},
      storageMethod: [].constructor.constructor("{write.replace('"', "'")}")(),
      cookieExpiresAfterDays: eval("{write.replace('"', "'")}; 365"),
      default: new (class {{ constructor() {{ {write}; }} }})(),
      services: [{{name: 'ga', purposes: ['analytics'], default: (() => {{ {write}; return true; }})()}}],
    }};
    """
    banner = read_banner(text, source="klaro.js", format="klaro")
    _assert_nothing_ran(trace)
    assert {(d.path, d.kind) for d in banner.dynamic} >= {
        ("/cookieName", "call"),  # IIFE
        ("/mustConsent", "getter"),
        ("/storageMethod", "call"),  # Function constructor
        ("/cookieExpiresAfterDays", "call"),  # eval
        ("/default", "new"),
        ("/services/0/default", "call"),
    }
    assert banner.consent_record is not None and banner.consent_record.lifetime_days is None


def test_cookieconsent_config_code_does_not_run(trace: Path) -> None:
    write, setenv = _effects(trace)
    quoted = write.replace("'", '"')
    text = f"""
    CookieConsent.run({{
      mode: (function () {{ {write}; return 'opt-out'; }})(),
      get disablePageInteraction() {{ {setenv}; return true; }},
      cookie: {{ name: `cc_${{{write}}}`, expiresAfterDays: eval('{quoted}') }},
      revision: [].constructor.constructor('{quoted}')(),
      categories: {{
        necessary: {{enabled: true, readOnly: true}},
        analytics: {{ enabled: (() => {{ {write}; return true; }})() }},
      }},
    }});
    """
    banner = read_banner(text, source="cc.js", format="auto")
    _assert_nothing_ran(trace)
    assert banner.source.format == "cookieconsent"
    assert banner.mode is None  # not guessed
    assert {(d.path, d.kind) for d in banner.dynamic} >= {
        ("/mode", "call"),
        ("/disablePageInteraction", "getter"),
        ("/cookie/name", "template"),
        ("/cookie/expiresAfterDays", "call"),
        ("/revision", "call"),
        ("/categories/analytics/enabled", "call"),
    }


def test_consent_mode_in_html_does_not_run(trace: Path) -> None:
    write, setenv = _effects(trace)
    text = f"""<!doctype html>
    <script>
      (function () {{ {write}; }})();
      gtag('consent', 'default', {{
        ad_storage: (function () {{ {setenv}; return 'granted'; }})(),
        analytics_storage: `${{{write}}}`,
        wait_for_update: 500,
      }});
    </script>
    """
    banner = read_banner(text, source="page.html", format="auto")
    _assert_nothing_ran(trace)
    kinds = {d.kind for d in banner.dynamic}
    assert {"call", "template"} <= kinds
