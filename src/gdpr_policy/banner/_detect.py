"""``--config-format auto``: tell the banner formats apart by content, and the public reader.

Detection looks at what the text *is*, not at its file name:

* JSON (text starting with ``{`` or ``[``): a ``gdpr_policy_banner`` key is
  native; ``exportFormatVersion``/``containerVersion`` is a GTM export; a
  ``dataLayer`` array (or a bare array of gtag argument lists) is Consent
  Mode; a ``categories`` object is cookieconsent v3; a ``services`` (or
  ``apps``) array is Klaro;
* YAML with a top-level ``gdpr_policy_banner`` key is native;
* JavaScript or HTML is parsed (never run): a ``CookieConsent.run`` call is
  cookieconsent, a ``klaroConfig`` assignment Klaro, and otherwise a
  ``gtag('consent', 'default', ...)`` call Consent Mode. A file with both a
  cookieconsent and a Klaro configuration is ambiguous and refused.

Consent Mode calls next to a cookieconsent or Klaro configuration are read
into that banner's ``consent_mode``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from .._errors import HostileInputError, InputError, UsageError
from ._model import Banner, BannerFormat

__all__ = ["FORMATS", "detect_format", "is_translation_file", "read_banner", "template_error"]

#: The values ``format`` accepts besides ``"auto"``.
FORMATS: tuple[BannerFormat, ...] = ("cookieconsent", "klaro", "gtag", "gtm", "native")

_YAML_MARKER = re.compile(r"^gdpr_policy_banner[ \t]*:", re.MULTILINE)


def _classify_json(data: Any) -> BannerFormat | None:
    if isinstance(data, list):
        if data and all(isinstance(item, list | dict) for item in data):
            return "gtag"
        return None
    if not isinstance(data, dict):
        return None
    if "gdpr_policy_banner" in data:
        return "native"
    if "exportFormatVersion" in data or "containerVersion" in data:
        return "gtm"
    if isinstance(data.get("dataLayer"), list):
        return "gtag"
    if isinstance(data.get("categories"), dict):
        return "cookieconsent"
    if isinstance(data.get("services"), list) or isinstance(data.get("apps"), list):
        return "klaro"
    return None


def is_translation_file(text: str | bytes) -> bool:
    """Whether a text is a cookieconsent translation file (JSON with ``consentModal``)."""
    if isinstance(text, bytes):
        text = text.decode("utf-8-sig", errors="replace")
    if not text.lstrip().startswith("{"):
        return False
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return False
    return isinstance(data, dict) and (
        "consentModal" in data or "preferencesModal" in data
    ) and "categories" not in data


def detect_format(text: str | bytes, *, source: str) -> BannerFormat:
    """The format of a banner file, from its content; a located error when none fits."""
    from ._js import (
        JsArray,
        JsString,
        decode_text,
        find_assignments,
        find_calls,
        looks_like_json,
        parse_json,
        parse_script_or_html,
    )

    decoded = decode_text(text, source)
    if looks_like_json(decoded):
        try:
            data = json.loads(decoded)
        except (ValueError, RecursionError):
            parse_json(decoded, source)  # raises the located error
            raise  # pragma: no cover - parse_json refuses what json refuses
        found = _classify_json(data)
        if found is None:
            raise InputError.at(
                source, 1, 1, "",
                "expected a banner configuration (cookieconsent, Klaro, Consent Mode, "
                "GTM export or native)",
                "JSON of no known shape",
            )
        return found
    if _YAML_MARKER.search(decoded):
        return "native"
    docs = parse_script_or_html(decoded, source)
    cc = find_calls(docs, ("CookieConsent.run",))
    klaro = find_assignments(docs, ("klaroConfig",)) or find_calls(
        docs, ("klaro.setup", "Klaro.setup"))
    if cc and klaro:
        loc = klaro[0].location
        raise InputError.at(
            source, loc.line, loc.column, "",
            "expected one banner configuration (use --config-format)",
            "both CookieConsent.run and klaroConfig",
        )
    if cc:
        return "cookieconsent"
    if klaro:
        return "klaro"
    for call in find_calls(docs, ("gtag", "dataLayer.push")):
        args = call.arguments
        if call.callee == "dataLayer.push":
            args = args[0].items if len(args) == 1 and isinstance(args[0], JsArray) else ()
        if (
            len(args) >= 2
            and isinstance(args[0], JsString)
            and args[0].value == "consent"
            and isinstance(args[1], JsString)
            and args[1].value == "default"
        ):
            return "gtag"
    raise InputError.at(
        source, None, None, "",
        "expected a banner configuration: CookieConsent.run({...}), klaroConfig = {...}, "
        "gtag('consent', 'default', {...}), a GTM export or a native file",
        "none",
    )


#: Template syntax around or inside a configuration, and what renders it.
_TEMPLATE_MARKERS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\{%-?\s*\w"), "a Liquid, Jinja or Twig template ({% ... %})"),
    (re.compile(r"\{!!|@(?:php|json|if|foreach|include|csrf|vite)\b"), "a Blade template"),
    (re.compile(r"<%[=-]?\s"), "an ERB or EJS template (<% ... %>)"),
    # {{revisionMessage}} is cookieconsent's own placeholder, not template syntax
    (re.compile(r"\{\{(?!revisionMessage\}\})[^{}\n]{1,200}\}\}"),
     "a template ({{ ... }}: Liquid, Jinja, Blade, Handlebars or Mustache)"),
)


def template_error(text: str | bytes, source: str) -> InputError | None:
    """A located error saying the file is a template and must be rendered first, else ``None``.

    Asked only after a file failed to read: a configuration that reads is
    judged as it is, whatever markers its strings contain.
    """
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    for pattern, kind in _TEMPLATE_MARKERS:
        match = pattern.search(text)
        if match is None:
            continue
        line = text.count("\n", 0, match.start()) + 1
        column = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
        return InputError.at(
            source, line, column, "",
            "a rendered configuration: this file is " + kind + "; render it first "
            "(build the site, or render the template with its real values) and check the "
            "output file",
            repr(match.group(0)[:40]),
        )
    return None


def read_banner(
    text: str | bytes,
    *,
    source: str,
    format: str = "auto",
    translations: Mapping[str, str | bytes] | None = None,
) -> Banner:
    """Read a banner configuration of any supported format into the normalized model.

    ``format`` is ``"auto"`` (detect from content) or one of :data:`FORMATS`.
    ``translations`` are translation files a cookieconsent configuration loads
    at run time, by file name (see ``read_cookieconsent``). Bad input raises
    a located :class:`~gdpr_policy.InputError` (or
    :class:`~gdpr_policy.HostileInputError` past a safety limit); a template
    (Liquid, Jinja, Blade ...) that does not read as it is raises one that
    says what to render first; an unknown ``format`` raises
    :class:`~gdpr_policy.UsageError`. Nothing is executed.
    """
    try:
        return _read_banner(text, source, format, translations)
    except HostileInputError:
        raise
    except InputError as exc:
        template = template_error(text, source)
        if template is not None:
            raise template from exc
        raise


def _read_banner(
    text: str | bytes,
    source: str,
    format: str,
    translations: Mapping[str, str | bytes] | None,
) -> Banner:
    if format == "auto":
        chosen = detect_format(text, source=source)
    elif format in FORMATS:
        chosen = format
    else:
        raise UsageError(f"unknown banner format {format!r}; use auto or one of {FORMATS}")
    if chosen == "cookieconsent":
        from ._cookieconsent import read_cookieconsent

        return read_cookieconsent(text, source=source, translations=translations)
    if chosen == "klaro":
        from ._klaro import read_klaro

        return read_klaro(text, source=source)
    if chosen == "gtag":
        from ._gtag import read_gtag

        return read_gtag(text, source=source)
    if chosen == "gtm":
        from ._gtm import read_gtm

        return read_gtm(text, source=source)
    from ._native import read_native

    return read_native(text, source=source)
