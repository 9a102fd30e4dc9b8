"""What one contacts export can show: which rules it lets the audit judge, and on what.

An export holds only the columns someone chose: a default-properties API
page or a small custom view has no activity columns, no export has a
deactivation column unless the portal made one, and a warehouse table holds
what the sync tool copied. A missing column is not a fact. This module keeps,
per contacts file, which columns each rule needs and how many contacts a
rule could not judge, so that the report says "not evaluated, needs ..."
instead of a verdict the file cannot support.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ._mapping import PortalMapping
from ._model import Contact

if TYPE_CHECKING:
    from .rules import ContactFacts

__all__ = ["FileCoverage"]


@dataclass(slots=True)
class FileCoverage:
    """The columns one contacts file had, and the rules it left unjudged (with counts).

    A column counts as present when any record of the file has it: a tool that
    drops empty properties from its JSON leaves them out of some records only.
    """

    source: str
    mapping: PortalMapping
    #: the activity properties the policy counts (its signals, through the mapping)
    counted: tuple[str, ...]
    #: every column seen in the file; ``None`` once a record with unknown columns was seen
    seen: set[str] | None = field(default_factory=set)
    not_judged: Counter[str] = field(default_factory=Counter)
    #: each marketing list as the names it goes by (id and names), from the campaigns;
    #: empty: the mapping's marketing subscriptions, each by the one name it gives
    marketing_groups: tuple[frozenset[str], ...] = ()
    #: per distinct column set (readers share one set object per shape): it and its answer
    _sets: dict[int, tuple[frozenset[str], bool]] = field(default_factory=dict)

    def note(self, c: Contact) -> bool:
        """Take the contact's columns into the file's; whether it has an activity column itself."""
        cols = c.columns
        if cols is None:
            self.seen = None
            return True
        hit = self._sets.get(id(cols))
        if hit is None or hit[0] is not cols:
            if len(self._sets) > 256:
                self._sets.clear()
            hit = self._sets[id(cols)] = (cols, any(p in cols for p in self.counted))
            if self.seen is not None:
                self.seen.update(cols)
        return hit[1]

    def has(self, prop: str) -> bool:
        """Whether the file has the column (``True`` when its columns are unknown)."""
        return self.seen is None or prop in self.seen

    @property
    def activity(self) -> tuple[str, ...]:
        """The counted activity columns the file has, in the mapping's order."""
        return tuple(p for p in self.counted if self.has(p))

    def settle(self, facts: Iterable[ContactFacts]) -> None:
        """Mark what the file cannot show on its contacts' facts, and count them per rule."""
        m = self.mapping
        activity = self.activity
        deact_unknown = bool(activity) and not self.has(m.deactivated_property)
        missing = [rule_id for rule_id, ok in (
            ("retention.inactive-not-deactivated", bool(activity)),
            ("retention.bounced-not-deleted", any(self.has(p) for p in m.hard_bounce_properties)),
            ("restriction.processed", self.has(m.restricted_property)),
        ) if not ok]
        n = undated = 0
        for f in facts:
            c = f.contact
            if c.archived:
                continue
            n += 1
            # deactivated, but since when the record does not say: its marketing cannot be
            # judged against the deactivation (said in a note, never passed silently)
            undated += c.deactivated and c.deactivated_at is None
            f.activity_columns = activity
            f.deactivation_unknown = deact_unknown
            if not activity:
                f.last_activity = None  # the create date alone is not activity
        for rule_id in missing:
            self.not_judged[rule_id] = n
        if undated:
            self.not_judged["retention.deactivated-marketed"] = undated

    def needs(self, rule_id: str) -> str:
        """The columns a rule needs from a contacts export: ``a | b`` any one, ``a + b`` all.

        Column names, not words, so that the message reads in every language.
        """
        m = self.mapping
        if rule_id == "retention.inactive-not-deactivated":
            return " | ".join(self.counted)  # the create date alone is not activity
        if rule_id == "retention.bounced-not-deleted":
            return " | ".join(m.hard_bounce_properties)
        if rule_id == "restriction.processed":
            return f"{m.restricted_property} + {m.restricted_date_property}"
        if rule_id == "retention.deactivated-marketed":
            return m.deactivated_date_property  # the status says deactivated, not since when
        return rule_id

    def untimed_opt_out(self, c: Contact) -> str | None:
        """The opt-out the record shows without a time, as the report names it (or ``None``).

        Unsubscribed from all email, or opted out of every marketing subscription
        type of the mapping (each with its own column); one list alone is not a
        marketing opt-out from the others.
        """
        m = self.mapping
        if c.unsubscribed_all:
            return m.unsubscribe_all_property
        if not c.opted_out_lists:
            return None
        out = set(c.opted_out_lists)
        groups = self.marketing_groups or tuple(
            frozenset({s}) for s in m.marketing_subscriptions)
        # every marketing list, by any name it goes by (an API dump's columns are ids)
        if groups and all(not out.isdisjoint(g) for g in groups):
            return ", ".join(_shown(g, m.marketing_subscriptions) for g in groups)
        return None


def _shown(group: frozenset[str], named: tuple[str, ...]) -> str:
    """How the report names a list: the mapping's name for it, else its first name."""
    return next((n for n in named if n in group), None) or min(group)
