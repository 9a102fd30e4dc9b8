"""The audit's bridge to the deadline engine: request-log rows judged as requests.

:func:`deadline_hook` turns one :class:`DsrRequest` row of the request log into
a :class:`~gdpr_policy.requests.Request` and returns the due date in force and
the ``request.*`` findings for it, with the row's file and line as location.

What the log shape cannot say is not guessed:

- it records when identity was *verified*, not when it was asked, so the
  identity clock is not applied (the Inmeta policy's clock is ``none``);
- it records no delivery format, so ``request.portability-format`` is not
  judged from the log (it would otherwise fire on every portability row);
- an extension without a reason is kept, with the reason "not recorded".

A withdrawn request (``revoked``) needs no answer: its deadline is computed,
but no request finding is reported for it.
"""

from __future__ import annotations

import pydantic

from .._errors import RecordError
from .._messages import Location
from .._rules import Context, Finding
from ..requests import (
    Extension,
    Request,
    Response,
    Subject,
    answer_timing,
    deadline_in_force,
    evaluate_request,
)
from ._engine import RequestVerdict
from ._model import DsrRequest

__all__ = ["deadline_hook", "to_request"]

_CHANNELS = {"email": "email", "web_form": "web-form", "letter": "postal", "phone": "phone"}
_NOT_FROM_THE_LOG = frozenset({"request.portability-format"})


def to_request(row: DsrRequest) -> Request:
    """The request a log row describes, located at the row.

    A row the request model refuses (a response before receipt, an id longer
    than 2,000 characters ...) raises :class:`~gdpr_policy.RecordError` at the
    row, so that the audit rejects that row and reports why.
    """
    try:
        return _to_request(row)
    except pydantic.ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        field = ".".join(str(p) for p in first["loc"])
        raise RecordError.at(
            row.source,
            row.line,
            None,
            field,
            f"expected {first['msg'][0].lower()}{first['msg'][1:]}",
        ) from exc


def _to_request(row: DsrRequest) -> Request:
    response = None
    if row.responded_at is not None:
        refused = row.status == "denied" or row.outcome == "denied"
        response = Response(
            responded_at=row.responded_at,
            outcome="refused" if refused else "fulfilled",
            refusal_reason=(row.denial_reason or "not recorded") if refused else None,
        )
    extension = None
    if row.extended_at is not None:
        extension = Extension(
            notified_at=row.extended_at, reason=row.extension_reason or "not recorded"
        )
    return Request(
        id=f"request:{row.request_id}",
        type=row.type,
        channel=_CHANNELS.get(row.channel or "", "other"),  # type: ignore[arg-type]
        received_at=row.received_at,
        subject=Subject(name=row.subject_name or None, email=row.subject_email or None),
        extension=extension,
        response=response,
        location=Location(file=row.source, line=row.line),
    )


def deadline_hook(row: DsrRequest, ctx: Context) -> RequestVerdict:
    """The due date in force and the request findings for one log row at ``ctx.as_of``."""
    request = to_request(row)
    due = deadline_in_force(request, ctx.policy, ctx.as_of)
    if row.status == "revoked":
        return RequestVerdict(due=due, timing="withdrawn")
    findings: list[Finding] = []
    for f in evaluate_request(request, ctx.policy, ctx.as_of):
        if f.rule in _NOT_FROM_THE_LOG:
            continue
        evidence = dict(f.evidence)
        if row.hubspot_record_id:
            evidence["record_id"] = row.hubspot_record_id
        findings.append(f.model_copy(update={"evidence": evidence}))
    return RequestVerdict(due=due, findings=tuple(findings),
                          timing=answer_timing(request, ctx.policy, ctx.as_of))
