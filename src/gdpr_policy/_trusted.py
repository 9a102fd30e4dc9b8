"""Pydantic models built from values the library made itself, without validating them again.

``Model.model_construct`` skips validation but still loops over the fields in
Python; for the tens of thousands of findings of an audit, or the steps of a
deadline, that loop is most of the cost. :func:`construct` sets exactly what
``model_construct`` sets when every field is given. Whether it still does is
checked once, at import, against ``model_construct`` on a probe model; with a
pydantic release whose internals differ, :func:`construct` is
``model_construct`` itself.
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict

__all__ = ["construct"]

M = TypeVar("M", bound=BaseModel)

_set = object.__setattr__


#: per model class, the set of all its field names
_ALL_SET: dict[type[BaseModel], set[str]] = {}


def _direct(cls: type[M], fields: dict[str, Any]) -> M:
    # ``fields`` must name every field of ``cls`` (no defaults are filled in); the
    # model takes the dict itself as its ``__dict__``. Its fields-set is then all the
    # fields, the same set for every instance: one per class, shared (a set of 8
    # names is 728 bytes, a tenth of a finding). pydantic never changes it in place:
    # model_copy and deepcopy copy it before they add to it.
    m = cls.__new__(cls)
    _set(m, "__dict__", fields)
    every = _ALL_SET.get(cls)
    if every is None:
        every = _ALL_SET[cls] = set(cls.model_fields)
    _set(m, "__pydantic_fields_set__", every)
    _set(m, "__pydantic_extra__", None)
    _set(m, "__pydantic_private__", None)
    return m


def _public(cls: type[M], fields: dict[str, Any]) -> M:
    return cls.model_construct(**fields)


class _Probe(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    values: dict[str, int]  # as Message and Finding have (and so unhashable)
    where: int | None = None


def _direct_works() -> bool:
    fields: dict[str, Any] = {"name": "probe", "values": {"n": 1}, "where": None}
    try:
        fast, slow = _direct(_Probe, dict(fields)), _Probe(**fields)
        return (
            fast == slow
            and fast.model_dump() == slow.model_dump()
            and fast.model_dump_json() == slow.model_dump_json()
            and fast.model_fields_set == slow.model_fields_set
            and repr(fast) == repr(slow)
            and fast.model_copy(update={"name": "x"}).name == "x"
            and fast.model_copy(update={"name": "x"}).model_fields_set is not fast.model_fields_set
            and fast.model_fields_set == set(_Probe.model_fields)
        )
    except Exception:  # any difference in pydantic internals: use the public API
        return False


DIRECT = _direct_works()

#: ``cls(**fields)`` without validation; ``fields`` must name every field of ``cls``.
construct = _direct if DIRECT else _public
