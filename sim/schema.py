"""One schema toolkit for every file partnersim reads, and one formatter for what is wrong in it.

Each file kind (scenario, sweep spec, saved game) is a tree of `FileModel`s: unknown keys are
errors and values are never coerced. A TOML or JSON integer is fine where a number is allowed
and a whole float (4.0) where an integer is; a bool is never a number, a number never a string.
The field types below say in words what they allow (`Allowed`), so `problems` can turn every
pydantic error into one line naming the file, the key and what is allowed:

    my.toml: 'policy.enablement': 1.5 is not allowed (allowed: number from 0 to 1)
    my.toml: 'colour': unknown key (allowed: name, title, ...)
    my.toml: 'briefing': missing (required: string: one screen, ...)

Checks the types cannot say (a fix that uses a locked lever, a goal judged after the game ends)
are validators that raise `fail(...)`, which names the keys below the field it checks.
"""

from __future__ import annotations

import types
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar, Literal, Union, get_args, get_origin

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Strict,
    Tag,
    TypeAdapter,
    ValidationError,
    WrapValidator,
)
from pydantic_core import PydanticCustomError

from sim.errors import PartnersimError

Keys = tuple[str | int, ...]


@dataclass(frozen=True)
class Allowed:
    """Annotated metadata: what a value may be, in the words an error message uses."""

    text: str


@dataclass(frozen=True)
class Keyed:
    """Annotated metadata on a union of tables told apart by one key (an event's `kind`)."""

    key: str
    tags: tuple[str, ...]


class FileModel(BaseModel):
    """A table in a file partnersim reads: unknown keys are errors, values are not coerced."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, defer_build=True)
    unknown: ClassVar[str] = "unknown key (allowed: {keys})"


# ---------------------------------------------------------------------------- field types
def show(x: float) -> str:
    """A bound as people read it: 64, 0.25 (not 64.0), 1,000,000."""
    return f"{int(x):,}" if float(x).is_integer() else str(x)


def span(word: str, low: float | None, high: float | None) -> str:
    """'integer from 1 to 8', 'integer >= 0' or 'a number'."""
    if low is not None and high is not None:
        return f"{word} from {show(low)} to {show(high)}"
    if low is not None:
        return f"{word} >= {show(low)}"
    return f"a {word}"


def _whole_float(value: Any) -> Any:
    """4.0 is the integer 4 (TOML and JSON writers are loose about it); 4.5 and True are not."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def whole(low: int | None = None, high: int | None = None, allowed: str = "") -> Any:
    """An integer in [low, high]."""
    return Annotated[int, Strict(), Field(ge=low, le=high), BeforeValidator(_whole_float),
                     Allowed(allowed or span("integer", low, high))]


def number(low: float | None = None, high: float | None = None, allowed: str = "") -> Any:
    """A number in [low, high]; an integer is taken as a float, a bool never."""
    return Annotated[float, Strict(), Field(ge=low, le=high), Allowed(allowed or span("number", low, high))]


def choice(values: Iterable[str], allowed: str = "") -> Any:
    """One of `values`."""
    values = tuple(values)
    return Annotated[Literal[values], Allowed(allowed or " | ".join(values))]


FLAG = Annotated[bool, Strict(), Allowed("true | false")]


def text(allowed: str = "", pattern: str | None = None) -> Any:
    """A string (matching `pattern`, searched, if given: r"\\S" means not blank)."""
    tp = Annotated[str, Strict(), Field(pattern=pattern)]
    return Annotated[tp, Allowed(allowed)] if allowed else tp


def in_given_order(table: type[BaseModel]) -> Any:
    """A table checked by `table` whose checked values come back as a dict in the file's order."""
    def wrap(value: Any, handler: Callable[[Any], BaseModel]) -> dict[str, Any]:
        checked = handler(value)
        return {key: getattr(checked, key) for key in value}
    return Annotated[table, WrapValidator(wrap)]


def as_given(tp: Any) -> Any:
    """A value checked by `tp` but kept exactly as the file wrote it (an int stays an int)."""
    def wrap(value: Any, handler: Callable[[Any], Any]) -> Any:
        handler(value)
        return value
    return Annotated[tp, WrapValidator(wrap)]


def keyed(key: str, members: dict[str, type[BaseModel]]) -> Any:
    """A table whose `key` says which model checks it (`kind = "shock"` -> a shock event)."""
    def tag(value: Any) -> str | None:
        found = value.get(key) if isinstance(value, dict) else None
        return found if isinstance(found, str) else (None if found is None else repr(found))
    union = Union[tuple(Annotated[model, Tag(name)] for name, model in members.items())]  # noqa: UP007
    return Annotated[union, Discriminator(tag), Keyed(key, tuple(members))]


def no_default(schema: dict[str, Any]) -> None:
    """json_schema_extra for an optional key whose absence means 'not set', not a value."""
    schema.pop("default", None)


def optional(description: str, title: str | None = None) -> Any:
    """A Field for a key that may be left out, with no default shown in the JSON schema."""
    return Field(None, description=description, title=title, json_schema_extra=no_default)


# ---------------------------------------------------------------------------- errors
def fail(*found: tuple[Keys, str]) -> PydanticCustomError:
    """The error a validator raises for problems its types cannot express.

    Args:
        *found: (keys below the validated field, message) per problem, e.g.
            (("levers", "direct_comp"), "is locked in this scenario (...)").
    """
    return PydanticCustomError("partnersim", "{detail}",
                               {"detail": "; ".join(msg for _, msg in found), "found": found})


@dataclass
class _Spot:
    """Where an error is, read off the schema: the keys as written and what is allowed there."""

    keys: list[str]
    allowed: str = ""
    table: type[BaseModel] | None = None
    keyed: Keyed | None = None


def _note(tp: Any, spot: _Spot, metadata: Iterable[Any] = (), description: str | None = None) -> Any:
    """Unwrap Annotated and Optional layers of `tp`, noting what they allow; return the bare type."""
    metadata = list(metadata)
    while True:
        if get_origin(tp) is Annotated:
            tp, *more = get_args(tp)
            metadata = [*more, *metadata]
        elif get_origin(tp) in (Union, types.UnionType) and type(None) in get_args(tp):
            tp = next(t for t in get_args(tp) if t is not type(None))
        else:
            break
    allowed = [m.text for m in metadata if isinstance(m, Allowed)]
    if allowed:
        spot.allowed = allowed[0]
    elif description:
        spot.allowed = description
    spot.keyed = next((m for m in metadata if isinstance(m, Keyed)), spot.keyed)
    return tp


def _walk(root: Any, loc: Keys, first: int) -> _Spot:
    """Follow pydantic's `loc` through the schema `root`."""
    spot = _Spot([])
    tp = _note(root, spot)
    for part in loc:
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            spot.keys.append(str(part))
            spot.table, spot.keyed = tp, None
            field = tp.model_fields.get(str(part))
            if field is None:
                break
            tp = _note(field.annotation, spot, field.metadata, field.description)
        elif get_origin(tp) in (Union, types.UnionType):          # a tagged union: `part` is the tag
            tagged = {m.tag: a for a in get_args(tp) for m in get_args(a)[1:] if isinstance(m, Tag)}
            if part not in tagged:
                break
            tp = _note(tagged[part], spot)
        elif get_origin(tp) in (list, tuple):
            spot.keys.append(f"[{int(part) + first}]")
            tp = _note(get_args(tp)[0], spot)
        elif get_origin(tp) is dict:
            spot.keys.append(str(part))
            tp = _note(get_args(tp)[1], spot)
        else:
            break
    return spot


def _path(keys: list[str]) -> str:
    out = ""
    for key in keys:
        out += key if key.startswith("[") or not out else f".{key}"
    return out


def explain(exc: ValidationError, root: Any, *, first: int = 1) -> list[tuple[str, str]]:
    """Every error in `exc` as (key path, message): the one formatter of partnersim's messages.

    Args:
        exc: Raised by validating against `root`.
        root: The model or type that was validated (its fields say what is allowed).
        first: The number of an array's first element in messages: 1 for TOML's [[tables]],
            0 for JSON.

    Unknown keys come first (a misspelt key is usually why another is missing), then the rest in
    the schema's order.
    """
    out: list[tuple[str, str]] = []
    for err in sorted(exc.errors(), key=lambda e: e["type"] != "extra_forbidden"):
        kind, loc, value = err["type"], tuple(err["loc"]), err.get("input")
        ctx = err.get("ctx") or {}
        if kind == "partnersim":
            for sub, message in ctx["found"]:
                out.append((_path(_walk(root, loc + tuple(sub), first).keys), message))
            continue
        spot = _walk(root, loc, first)
        keys = spot.keys
        if kind == "extra_forbidden" and spot.table is not None:
            message = spot.table.unknown.format(keys=", ".join(spot.table.model_fields))
        elif kind == "missing":
            message = f"missing (required: {spot.allowed})"
        elif kind in ("union_tag_invalid", "union_tag_not_found") and spot.keyed and isinstance(value, dict):
            keys = [*keys, spot.keyed.key]
            allowed = " | ".join(spot.keyed.tags)
            message = (f"missing (required: {allowed})" if spot.keyed.key not in value
                       else f"{value[spot.keyed.key]!r} is not allowed (allowed: {allowed})")
        elif kind == "value_error":
            message = str(ctx.get("error", err["msg"]))
        else:
            message = f"{value!r} is not allowed (allowed: {spot.allowed or err['msg']})"
        out.append((_path(keys), message))
    return out


def checker(tp: Any, name: str, error: type[PartnersimError] = PartnersimError) -> Callable[[Any], Any]:
    """A function that checks one value against the field type `tp` and returns it as that type,
    or raises `error`: "NAME: VALUE is not allowed (allowed: ...)"."""
    adapter = TypeAdapter(tp)
    allowed = _walk(tp, (), 1).allowed

    def check(value: Any) -> Any:
        try:
            return adapter.validate_python(value)
        except ValidationError:
            raise error(f"{name}: {value!r} is not allowed (allowed: {allowed})") from None
    return check


def json_schema(model: type[BaseModel]) -> dict[str, Any]:
    """`model`'s JSON Schema (draft 2020-12, which pydantic writes), for editors: titles and
    descriptions come from the fields, so completion shows the same help as the docs."""
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **model.model_json_schema()}


def problems(exc: ValidationError, root: Any, where: str, *, first: int = 1) -> list[str]:
    """Every error in `exc` as a line naming the file `where`, the key and what is allowed."""
    return [f"{where}: '{path}': {message}" if path else f"{where}: {message}"
            for path, message in explain(exc, root, first=first)]
