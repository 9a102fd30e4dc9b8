"""ISO 8601 durations (``P2Y``, ``P1M``, ``P13M``, ``P180D``) as a typed value.

Calendar parts (years, months) and day parts are kept apart and never
converted into each other: ``P1M`` is one calendar month, not 30 days. Adding
a duration to a date is the business of ``gdpr_policy._time``, which says
which rule it applies at a month end.
"""

from __future__ import annotations

import re
import sys
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    model_serializer,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

__all__ = ["Duration"]


def _shown(value: Any) -> str:
    """``value`` as an error shows what it found: its repr, shortened past 60 characters."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


# ASCII: in a str pattern \d is any decimal digit ("P١M" with an Arabic-Indic one read as
# P1M); the JSON schema's pattern (ECMAScript) means 0-9 by \d, which this now agrees with
_ISO = re.compile(
    r"^P(?!$)(?:(?P<years>\d+)Y)?(?:(?P<months>\d+)M)?(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?"
    r"(?:T(?=\d)(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+)S)?)?$",
    re.ASCII,
)


class Duration(BaseModel):
    """An ISO 8601 duration with non-negative integer parts; written as ``P2Y`` in YAML."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    # strict: pydantic would read Duration(months="13") or days=True as 13 months and one day
    years: int = Field(0, strict=True)
    months: int = Field(0, strict=True)
    weeks: int = Field(0, strict=True)
    days: int = Field(0, strict=True)
    hours: int = Field(0, strict=True)
    minutes: int = Field(0, strict=True)
    seconds: int = Field(0, strict=True)

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, data: Any) -> Any:
        if isinstance(data, str):
            return cls._parse_fields(data)
        if isinstance(data, dict | Duration):  # the constructor's keywords, or a copy
            return data
        # a number or a list is no duration: say what one looks like, not "a valid
        # dictionary or instance of Duration"
        raise ValueError(f"expected an ISO 8601 duration such as P2Y, got {_shown(data)}")

    @model_validator(mode="after")
    def _check(self) -> Duration:
        parts = (
            self.years,
            self.months,
            self.weeks,
            self.days,
            self.hours,
            self.minutes,
            self.seconds,
        )
        if any(p < 0 for p in parts):
            negative = ", ".join(
                f"{name}={value}" for name, value in self if isinstance(value, int) and value < 0
            )
            raise ValueError(f"expected non-negative duration parts, got {negative}")
        if not any(parts):
            raise ValueError("expected a non-zero duration such as P2Y, got zero")
        return self

    @staticmethod
    def _parse_fields(text: str) -> dict[str, int]:
        m = _ISO.match(text.strip())
        if not m or text.strip() in ("P", "PT"):
            raise ValueError(f"expected an ISO 8601 duration such as P2Y, got {_shown(text)}")
        try:
            return {k: int(v) for k, v in m.groupdict().items() if v is not None}
        except ValueError:
            # int() refuses more than sys.get_int_max_str_digits() digits (4300), in words
            # ("...; use sys.set_int_max_str_digits()") that are no advice to a policy's author
            raise ValueError(
                f"expected an ISO 8601 duration such as P2Y with parts of at most "
                f"{sys.get_int_max_str_digits()} digits, got {_shown(text)}"
            ) from None

    @classmethod
    def __get_pydantic_json_schema__(cls, core: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        return {
            "type": "string",
            "pattern": _ISO.pattern,
            "description": "An ISO 8601 duration such as P2Y, P1M or P180D.",
        }

    @classmethod
    def parse(cls, text: str) -> Duration:
        """Parse ``P2Y``, ``P1M``, ``P2M``, ``P180D``, ``PT12H`` ..."""
        return cls.model_validate(text)

    @property
    def total_months(self) -> int:
        """Years and months as months (``P1Y6M`` is 18)."""
        return self.years * 12 + self.months

    @property
    def total_days(self) -> int:
        """Weeks and days as days; calendar parts are not included."""
        return self.weeks * 7 + self.days

    @property
    def has_time(self) -> bool:
        """Whether the duration has hours, minutes or seconds."""
        return bool(self.hours or self.minutes or self.seconds)

    @property
    def time_days(self) -> int:
        """The time part in whole days, rounded up: ``PT1H`` and ``PT24H`` are one, ``PT48H``
        two, ``PT49H`` three (for rules that count whole days)."""
        seconds = self.hours * 3600 + self.minutes * 60 + self.seconds
        return -(-seconds // 86400)

    def __str__(self) -> str:
        text = "P"
        for value, unit in (
            (self.years, "Y"),
            (self.months, "M"),
            (self.weeks, "W"),
            (self.days, "D"),
        ):
            if value:
                text += f"{value}{unit}"
        if self.has_time:
            text += "T"
            for value, unit in ((self.hours, "H"), (self.minutes, "M"), (self.seconds, "S")):
                if value:
                    text += f"{value}{unit}"
        return text

    @model_serializer(mode="plain")
    def _serialize(self) -> str:
        return str(self)
