"""The audit of tables that already live in a warehouse, read in place through Ibis.

The mapping file's ``tables`` section (:class:`WarehouseTables`) names, per
input the audit knows (contacts, subscription statuses, campaigns, sends,
requests), the table that holds it, the column that keys its rows, and column
renames. :func:`audit_tables` audits them on an Ibis backend:

- the send log is validated and folded in the backend (``_columnar._tables``):
  only its rejected rows, with their key and reason, and the tallies the rules
  judge come back;
- the other tables are small: their rows are pulled and read by the same
  readers as the files, so they are checked and rejected exactly as a file's
  records are, but located by table and key (``contact``, ``id=123``) instead
  of file and line.

What the report says about a table is what it says about a file of the same
records: the same findings, the same reconciliation (records read = evaluated
+ rejected) and the same notes, with the table's name and the rows' keys
where a file's report has its name and line numbers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from .._errors import UsageError
from ._engine import RequestHook, SnapshotInput, audit_snapshot
from ._mapping import PortalMapping

if TYPE_CHECKING:
    from .._policy import PolicyVersion
    from ..report._model import Report

__all__ = ["WarehouseTable", "WarehouseTables", "audit_tables"]

#: the inputs a table can hold, in the order the audit reads them
TABLE_INPUTS = ("campaigns", "requests", "contacts", "subscriptions", "sends")


class WarehouseTable(BaseModel):
    """One input's table: its name, its schema (``database``), its key column and renames.

    ``key`` is the column whose value locates a rejected row (``id=123``);
    by default ``send_id``, ``campaign_id``, ``request_id``, ``recordId``
    (else ``subscriberIdString``), and for contacts the record id column
    (``id``, ``hs_object_id``, ``Record ID`` or another label of it). ``columns`` renames the table's columns to the names the audit
    reads (the file's field names; for contacts as the mapping's ``columns``).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    table: str
    database: str | None = None
    key: str | None = None
    columns: dict[str, str] = {}

    @property
    def name(self) -> str:
        """The table as the report names it: ``database.table`` or ``table``."""
        return f"{self.database}.{self.table}" if self.database else self.table


class WarehouseTables(BaseModel):
    """The mapping file's ``tables`` section: which table holds which input.

    Each entry is a table name or a :class:`WarehouseTable`. An input left out is
    missing, exactly as a file not given: the rules that need it are reported
    as not evaluated.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    contacts: WarehouseTable | None = None
    subscriptions: WarehouseTable | None = None
    campaigns: WarehouseTable | None = None
    sends: WarehouseTable | None = None
    requests: WarehouseTable | None = None

    @field_validator("contacts", "subscriptions", "campaigns", "sends", "requests",
                     mode="before")
    @classmethod
    def _named(cls, value: Any) -> Any:
        return {"table": value} if isinstance(value, str) else value

    def given(self) -> dict[str, WarehouseTable]:
        """The inputs that name a table, in the order the audit reads them."""
        return {k: s for k in TABLE_INPUTS if (s := getattr(self, k)) is not None}


def audit_tables(
    con: Any,
    tables: WarehouseTables | Mapping[str, Any],
    *,
    as_of: dt.date | dt.datetime,
    policy: PolicyVersion,
    mapping: PortalMapping | None = None,
    timezone: str | None = None,
    datetime_format: str | None = None,
    request_hook: RequestHook | None = None,
    progress: Callable[[str, int], None] | None = None,
    ignored_files: Sequence[tuple[str, str]] = (),
    **files: SnapshotInput | None,
) -> Report:
    """Audit the warehouse tables ``tables`` names on the Ibis backend ``con``, in place.

    ``con`` is an Ibis backend (``ibis.duckdb.connect("crm.ddb")``,
    ``ibis.connect(url)``); ``tables`` a :class:`WarehouseTables` or the
    mapping file's ``tables`` section as a dict (``{"sends": "email_send"}``).
    ``files`` are inputs given as files instead (``requests=SnapshotInput(...)``,
    any keyword of :func:`~gdpr_policy.audit.audit_snapshot` that is an
    input), for the inputs no table holds; ``ignored_files`` as there. The other arguments are
    :func:`~gdpr_policy.audit.audit_snapshot`'s. A table that does not exist,
    or lacks a column the audit needs, raises :class:`~gdpr_policy.UsageError`
    naming it; a bad row rejects only itself, located by its key.
    Needs the ``engine`` extra (``pip install 'gdpr-policy[engine]'``).
    """
    if isinstance(tables, WarehouseTables):
        spec = tables
    else:
        try:
            spec = WarehouseTables.model_validate(dict(tables))
        except (ValidationError, TypeError, ValueError) as exc:
            from .._args import field_issue

            errors = exc.errors(include_url=False) if isinstance(exc, ValidationError) else []
            # in the words the mapping file's errors use (an unknown key with the nearest one)
            what = "; ".join(
                f"{i.path}: {i.expected}" + (f", got {i.found}" if i.found else "")
                for i in (field_issue(e, source="tables", pointer="", model=WarehouseTables)
                          for e in errors))
            raise UsageError(f"tables: expected the inputs' tables (contacts, subscriptions, "
                             f"campaigns, sends, requests), got {what or exc}") from None
    given = spec.given()
    both = sorted(k for k in given if files.get(k) is not None)
    if both:
        raise UsageError(f"{', '.join(both)}: given both as a table and as a file; give one")
    known = set(TABLE_INPUTS) | {"properties", "recycle_bin"}
    unknown = sorted(set(files) - known)
    if unknown:
        raise UsageError(f"audit_tables: unknown input {', '.join(unknown)}")
    try:
        from ._columnar._tables import TableReader, quiet
    except ImportError as exc:  # the extra is not installed
        raise UsageError(
            f"warehouse tables need Ibis, DuckDB and PyArrow ({exc.name} is missing): "
            "pip install 'gdpr-policy[engine]'") from None
    mapping = mapping or PortalMapping()
    with quiet():
        reader = TableReader(con, mapping)
        inputs: dict[str, Any] = {k: v for k, v in files.items() if v is not None}
        for kind, ts in given.items():
            if kind != "sends":
                inputs[kind] = reader.small(kind, ts)
        fold: Any = con  # a send-log file is folded on the same backend
        if "sends" in given:
            fold = reader.sends(given["sends"])
            inputs["sends"] = SnapshotInput(given["sends"].name, ())
        report = audit_snapshot(
            as_of=as_of, policy=policy, mapping=mapping, timezone=timezone,
            datetime_format=datetime_format, request_hook=request_hook, progress=progress,
            ignored_files=ignored_files, contacts_format="csv" if "contacts" in given else None,
            engine=fold, **inputs)
    return reader.relocate(report)
