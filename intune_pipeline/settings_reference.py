"""The settings reference, generated from the settings model so that it cannot drift.

`python -m intune_pipeline settings-reference` prints it; the README holds a copy between
markers, which a test keeps equal to what this module makes.
"""

import types
import typing
from pathlib import Path

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from intune_pipeline.settings import Settings
from intune_pipeline.settings_values import Env

START, END = "<!-- settings-reference:start -->", "<!-- settings-reference:end -->"


def kind(annotation) -> str:
    """A setting's type as a person reads it."""
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Annotated:
        return kind(args[0])
    if origin is typing.Literal:
        return " \\| ".join(f"`{value}`" for value in args)
    if origin in (typing.Union, types.UnionType):
        parts = [kind(arg) for arg in args if arg is not type(None)]
        return " or ".join(dict.fromkeys(parts))
    if origin in (list, tuple):
        return f"list of {kind(args[0])}" if args and args[0] is not Ellipsis else "list"
    if annotation is Env:
        return "`{env: NAME}`"
    names = {str: "text", int: "whole number", float: "number", bool: "true or false"}
    if annotation in names:
        return names[annotation]
    return getattr(annotation, "__name__", str(annotation)).removesuffix("Settings").lower()


def shown(value) -> str:
    if value is PydanticUndefined or value is None or value == () or value == []:
        return ""
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, list):
        return f"`[{', '.join(map(str, value))}]`"
    return f"`{value}`"


def bounds(field) -> str:
    """' (0 to 1)' for a setting with limits."""
    low = next((m.ge for m in field.metadata if hasattr(m, "ge")), None)
    high = next((m.le for m in field.metadata if hasattr(m, "le")), None)
    if low is None and high is None:
        return ""
    return f" ({low} to {high})" if high is not None else f" (from {low})"


def rows(model: type[BaseModel], prefix: str = "", defaults: BaseModel | None = None) -> list[str]:
    """One table row per setting, nested sections after their parent.

    defaults is the parent's default value of this section, whose values are the defaults.
    """
    found = []
    for name, field in model.model_fields.items():
        path = f"{prefix}{name}"
        description = (field.description or "").replace("\n", " ")
        nested = section_of(field.annotation)
        value = getattr(defaults, name) if defaults is not None else field.default
        if nested is not None:
            found.append(f"| `{path}` | {description} | |")
            inner = f"{path}[]." if typing.get_origin(field.annotation) is list else f"{path}."
            found += rows(nested, inner, value if isinstance(value, BaseModel) else None)
            continue
        given = "required" if field.is_required() and defaults is None else shown(value)
        meaning = f"{kind(field.annotation)}{bounds(field)}: {description}"
        found.append(f"| `{path}` | {meaning} | {given} |")
    return found


def section_of(annotation) -> type[BaseModel] | None:
    """The section model a field holds (itself, optional, or a list of them), if any."""
    candidates = [annotation, *typing.get_args(annotation)]
    return next(
        (
            c
            for c in candidates
            if isinstance(c, type) and issubclass(c, BaseModel) and c is not Env
        ),
        None,
    )


def reference() -> str:
    header = ["| setting | type and meaning | default |", "|---|---|---|"]
    return "\n".join([*header, *rows(Settings)]) + "\n"


def with_reference(text: str) -> str:
    """text with the part between the markers replaced by the reference."""
    before, _, rest = text.partition(START)
    _, _, after = rest.partition(END)
    return f"{before}{START}\n{reference()}{END}{after}"


def write(path: Path) -> bool:
    """Bring the copy in path up to date; whether it changed."""
    text = path.read_text()
    updated = with_reference(text)
    path.write_text(updated)
    return updated != text
