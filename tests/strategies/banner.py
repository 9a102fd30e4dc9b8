"""Hypothesis strategies for the banner readers: JSON-like values rendered as JS or JSON,
and normalized banner models for the native round trip."""

from __future__ import annotations

import json
import re
from typing import Any

from hypothesis import strategies as st

from gdpr_policy.banner import (
    Banner,
    BannerSource,
    Button,
    ButtonRole,
    Category,
    ConsentMode,
    ConsentModeDefault,
    ConsentRecord,
    CookiePattern,
    CookieRef,
    GtmTag,
    LanguageLayer,
    Reconsent,
    Service,
)

__all__ = [
    "banners",
    "cookie_names",
    "js_documents",
    "js_literals",
    "render_js",
    "render_json",
]

_IDENT = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**53), max_value=2**53),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
)


def js_literals() -> st.SearchStrategy[Any]:
    """JSON-like values: null, booleans, numbers, strings, lists and string-keyed dicts."""
    return st.recursive(
        scalars,
        lambda children: st.one_of(
            st.lists(children, max_size=5),
            st.dictionaries(st.text(max_size=10), children, max_size=5),
        ),
        max_leaves=25,
    )


def _js_string(text: str, quote: str) -> str:
    out = [quote]
    for ch in text:
        code = ord(ch)
        if ch == "\\":
            out.append("\\\\")
        elif ch == quote:
            out.append("\\" + quote)
        elif code < 0x20 or code in (0x7F, 0x2028, 0x2029) or (quote == "`" and ch == "$"):
            out.append(f"\\u{code:04x}")
        else:
            out.append(ch)
    out.append(quote)
    return "".join(out)


def render_js(value: Any, style: int = 0) -> str:
    """A JavaScript literal for ``value``; ``style`` bits vary quotes, commas and comments.

    bit 0: single quotes; bit 1: trailing commas; bit 2: comments; bit 3: template
    literals for strings; bit 4: unquoted identifier keys.
    """
    quote = "`" if style & 8 else ("'" if style & 1 else '"')
    trailing = "," if style & 2 else ""
    comment = " /* c */ " if style & 4 else " "
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str):
        return _js_string(value, quote)
    if isinstance(value, list):
        if not value:
            return "[]"
        inner = ",".join(comment + render_js(v, style) for v in value)
        return f"[{inner}{trailing}]"
    assert isinstance(value, dict)
    if not value:
        return "{}"
    parts = []
    for key, item in value.items():
        if style & 16 and _IDENT.fullmatch(key):
            key_text = key
        else:
            key_text = _js_string(key, "'" if style & 1 else '"')
        parts.append(f"{comment}{key_text}: {render_js(item, style)}")
    return "{" + ",\n".join(parts) + trailing + "\n}"


def render_json(value: Any) -> str:
    """``value`` as indented JSON (non-ASCII kept as is)."""
    return json.dumps(value, indent=2, ensure_ascii=False)


@st.composite
def js_documents(draw: st.DrawFn) -> tuple[Any, str]:
    """A value and a JS text assigning it to ``cfg`` in one of the rendering styles."""
    value = draw(js_literals())
    style = draw(st.integers(min_value=0, max_value=31))
    return value, "var cfg = " + render_js(value, style) + ";\n"


identifiers = st.from_regex(r"[a-z][a-z0-9_]{0,12}", fullmatch=True)


def cookie_names() -> st.SearchStrategy[str]:
    """Cookie names as sites write them (letters, digits, ``_ - .``)."""
    return st.from_regex(r"[A-Za-z_][A-Za-z0-9_.\-]{0,30}", fullmatch=True)


_cookie_refs = st.one_of(
    st.builds(CookieRef, name=cookie_names(), domain=st.none() | st.just(".example.com")),
    st.builds(
        CookieRef,
        pattern=st.builds(
            CookiePattern,
            source=st.sampled_from(["^_ga($|_)", "^__hs(tc|sc|src)$", "^_hj", "_pk_id"]),
            flags=st.sampled_from(["", "i"]),
        ),
    ),
)


@st.composite
def banners(draw: st.DrawFn) -> Banner:
    """Normalized banners without locations (as a native file describes them)."""
    category_ids = draw(st.lists(identifiers, min_size=1, max_size=4, unique=True))
    categories = []
    services = []
    for cid in category_ids:
        svc_ids = [f"{cid}_{s}" for s in draw(st.lists(identifiers, max_size=3, unique=True))]
        for sid in svc_ids:
            services.append(
                Service(
                    id=sid,
                    label=draw(st.none() | st.text(max_size=15)),
                    category_ids=(cid,),
                    required=draw(st.booleans()),
                    default_enabled=draw(st.booleans()),
                    cookies=tuple(draw(st.lists(_cookie_refs, max_size=3))),
                )
            )
        categories.append(
            Category(
                id=cid,
                kind=draw(st.sampled_from(["necessary", "analytics", "marketing", "other"])),
                read_only=draw(st.booleans()),
                default_enabled=draw(st.booleans()),
                service_ids=tuple(svc_ids),
                cookies=tuple(draw(st.lists(_cookie_refs, max_size=2))),
            )
        )
    role_list: list[ButtonRole] = ["accept_all", "reject_all", "settings", "close_rejects"]
    roles = st.sampled_from(role_list)
    languages = [
        LanguageLayer(
            lang=lang,
            buttons=tuple(Button(role=r, label=draw(st.none() | st.text(max_size=10)))
                          for r in draw(st.lists(roles, max_size=3, unique=True))),
            equal_weight=draw(st.none() | st.booleans()),
        )
        for lang in draw(st.lists(st.sampled_from(["en", "nb", "sv", "de"]), max_size=3,
                                  unique=True))
    ]
    consent_mode = draw(st.none() | st.builds(
        ConsentMode,
        defaults=st.lists(st.builds(
            ConsentModeDefault,
            region=st.none() | st.lists(st.sampled_from(["NO", "SE", "US-CA", "DE"]),
                                        max_size=3, unique=True).map(tuple),
            types=st.dictionaries(st.sampled_from(["ad_storage", "analytics_storage"]),
                                  st.sampled_from(["granted", "denied"])),
            wait_for_update=st.none() | st.integers(min_value=0, max_value=2000),
        ), max_size=2).map(tuple),
    ))
    tags = draw(st.lists(st.builds(
        GtmTag,
        name=st.text(max_size=10),
        type=st.sampled_from(["html", "googtag", "gaawe"]),
        consent_status=st.sampled_from(["NEEDED", "NOT_SET", "NOT_NEEDED"]),
    ), max_size=2))
    return Banner(
        source=BannerSource(format="native", file="x"),
        mode=draw(st.sampled_from(["opt-in", "opt-out", "notice-only"])),
        blocks_page=draw(st.booleans()),
        consent_record=draw(st.none() | st.builds(
            ConsentRecord, name=st.just("consent"),
            lifetime_days=st.none() | st.integers(min_value=1, max_value=1000))),
        reconsent=draw(st.none() | st.builds(
            Reconsent, revision=st.none() | st.integers(min_value=0, max_value=50),
            triggers=st.just(("revision",)))),
        languages=tuple(languages),
        categories=tuple(categories),
        services=tuple(services),
        consent_mode=consent_mode,
        gtm_tags=tuple(tags),
    )
