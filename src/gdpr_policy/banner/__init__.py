"""Banner configurations read into one normalized model, with the location of every value.

``read_banner(text, source=..., format="auto")`` reads orestbida/cookieconsent
v3, Klaro, Google Consent Mode (gtag), GTM container exports and the native
YAML/JSON form into a :class:`Banner` (see ``_model`` for the conventions).
The readers are imported on first use, so importing this package stays cheap.
"""

from ._detect import FORMATS, detect_format, read_banner
from ._model import (
    MAX_COOKIE_NAME_LENGTH,
    MAX_PATTERN_LENGTH,
    Banner,
    BannerFormat,
    BannerMode,
    BannerSource,
    Button,
    ButtonRole,
    Category,
    CategoryKind,
    ConsentMode,
    ConsentModeDefault,
    ConsentRecord,
    ConsentStatus,
    CookiePattern,
    CookieRef,
    DynamicValue,
    GrantState,
    GtmTag,
    ImpliedConsent,
    ImpliedTrigger,
    LanguageLayer,
    LegitimateInterestClaim,
    Reconsent,
    Service,
)
from ._trackers import (
    TRACKERS,
    KnownTracker,
    guess_tracker,
    guess_tracker_from_text,
    match_cookie,
    tracker_by_id,
    trackers_for_cookie,
)

__all__ = [
    "FORMATS",
    "MAX_COOKIE_NAME_LENGTH",
    "MAX_PATTERN_LENGTH",
    "TRACKERS",
    "Banner",
    "BannerFormat",
    "BannerMode",
    "BannerSource",
    "Button",
    "ButtonRole",
    "Category",
    "CategoryKind",
    "ConsentMode",
    "ConsentModeDefault",
    "ConsentRecord",
    "ConsentStatus",
    "CookiePattern",
    "CookieRef",
    "DynamicValue",
    "GrantState",
    "GtmTag",
    "ImpliedConsent",
    "ImpliedTrigger",
    "KnownTracker",
    "LanguageLayer",
    "LegitimateInterestClaim",
    "Reconsent",
    "Service",
    "detect_format",
    "guess_tracker",
    "guess_tracker_from_text",
    "match_cookie",
    "read_banner",
    "tracker_by_id",
    "trackers_for_cookie",
]
