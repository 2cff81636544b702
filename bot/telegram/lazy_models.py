"""aiogram's Telegram types, each built when first used instead of all at import.

aiogram 3 declares its ~450 types with pydantic's `defer_build`, then rebuilds every one of
them at the end of `aiogram/types/__init__.py`, so that forward references resolve. That
costs each process about 100 MB of resident memory (aiogram issue #1513) for validators of
types this bot never receives. Called before aiogram is first imported, this keeps the
namespace aiogram passes to those rebuilds instead, and each model builds from it on first
use: a process then holds only the few validators it needs (`Update` and what it nests,
measured in docs/benchmarks.md).
"""

import sys
from typing import Any

from pydantic import BaseModel


def build_aiogram_models_on_first_use() -> bool:
    """Import aiogram with its types left unbuilt; False when it was imported already."""
    if "aiogram" in sys.modules:
        return False
    original = BaseModel.__dict__["model_rebuild"]
    rebuild = original.__func__
    namespace: dict[str, Any] = {}

    def record(cls: type[BaseModel], *, force: bool = False, raise_errors: bool = True,
               _parent_namespace_depth: int = 2,
               _types_namespace: dict[str, Any] | None = None) -> bool | None:
        if _types_namespace is None or force or not cls.__module__.startswith("aiogram."):
            return rebuild(cls, force=force, raise_errors=raise_errors,  # type: ignore[no-any-return]
                           _parent_namespace_depth=_parent_namespace_depth,
                           _types_namespace=_types_namespace)
        namespace.update(_types_namespace)
        return None

    BaseModel.model_rebuild = classmethod(record)  # type: ignore[method-assign,assignment]
    try:
        import aiogram  # noqa: F401
    finally:
        BaseModel.model_rebuild = original  # type: ignore[method-assign]

    def on_first_use(cls: type[BaseModel], *, force: bool = False, raise_errors: bool = True,
                     _parent_namespace_depth: int = 2,
                     _types_namespace: dict[str, Any] | None = None) -> bool | None:
        # pydantic calls this when a deferred model is first validated or serialised; its
        # own guess at the namespace (the caller's frames) cannot see aiogram's types.
        return rebuild(cls, force=force, raise_errors=raise_errors,  # type: ignore[no-any-return]
                       _parent_namespace_depth=0,
                       _types_namespace={**namespace, **(_types_namespace or {})})

    # Every model of aiogram's nests its types (the methods, the generic `Response[...]` it
    # makes per call), so each builds on first use; a class made later inherits this.
    for cls in _models_of_aiogram():
        cls.model_rebuild = classmethod(on_first_use)  # type: ignore[method-assign,assignment]
    return True


def _models_of_aiogram() -> list[type[BaseModel]]:
    found, todo = [], [BaseModel]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            if sub.__module__.startswith("aiogram."):
                found.append(sub)
    return found


def build_before_sending(*methods: type[Any]) -> None:
    """Build these Bot API methods and their answers now, at start-up. Built on first use
    instead, each took 100–200 ms of the event loop at an unpredictable moment (an error
    answer from Telegram, a first chart), and sends already past their pace slot then
    leave late together. (A 429 the two-process outbox test drew was first blamed on this;
    it turned out to be the test runner's own collector stalling the fake Bot API.)"""
    from aiogram.methods.base import Response

    for method in methods:
        method.model_rebuild()
        Response[method.__returning__].model_rebuild()  # type: ignore[name-defined]
