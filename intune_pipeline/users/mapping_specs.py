"""Mapping specs: what fills each Oomnitza field, as plain data checked when it is created.

Specs will come from a reviewed settings file, so nothing in them is ever run as code."""

import math
import re
import string
from dataclasses import dataclass

from intune_pipeline.users.schemas import ADDRESS, is_custom_field

NAME = r"[A-Za-z_]\w*"
PATH = re.compile(rf"{NAME}(?:\.{NAME}|\[\d+\])*")
STEP = re.compile(rf"\.?({NAME})|\[(\d+)\]")


def if_address(value):
    text = value.strip() if isinstance(value, str) else None
    return text if text and re.fullmatch(ADDRESS, text) else None


# None-safe and tolerant of other types, so the engine applies them to whole columns unchecked.
TRANSFORMS = {
    "lower": lambda value: value.lower() if isinstance(value, str) else value,
    "upper": lambda value: value.upper() if isinstance(value, str) else value,
    "title": lambda value: value.title() if isinstance(value, str) else value,
    "trim": lambda value: value.strip() if isinstance(value, str) else value,
    "first": lambda value: (value or [None])[0] if isinstance(value, list | tuple) else value,
    "if_address": if_address,
}
ALLOWED = ", ".join(sorted(TRANSFORMS))


@dataclass(frozen=True)
class Property:
    """A Graph property: `jobTitle`, nested `a.b`, or a list item `businessPhones[0]`."""

    path: str
    transforms: tuple[str, ...] = ()


@dataclass(frozen=True)
class Constant:
    """The same text or number for every user."""

    value: str | int | float


@dataclass(frozen=True)
class Template:
    """Text with Graph properties in braces, `{givenName} {surname}`; blank ones drop out."""

    text: str
    transforms: tuple[str, ...] = ()


@dataclass(frozen=True)
class FirstOf:
    """A fallback chain: the first non-blank source wins; each entry's transforms are its own."""

    sources: tuple["Source", ...]


Source = Property | Constant | Template | FirstOf


@dataclass(frozen=True)
class Mapping:
    """An Oomnitza field (REST name, or a custom field's id) filled from a source, transformed."""

    target: str
    source: Source
    transforms: tuple[str, ...] = ()
    # A blank source value clears the Oomnitza field only when the mapping says so.
    clear_when_blank: bool = False

    def __post_init__(self):
        if not is_custom_field(self.target) and not (
            isinstance(self.target, str) and re.fullmatch(NAME, self.target)
        ):
            raise ValueError(
                f"mapping target {self.target!r} is not an Oomnitza field name; use its REST "
                "name, such as position, or a custom field's internal id, such as a41c0e7b19"
            )
        try:
            check_transforms(self.transforms)
            check_source(self.source)
        except ValueError as error:
            raise ValueError(f"mapping {self.target!r}: {error}") from None


def check_transforms(names) -> None:
    if isinstance(names, str) or not isinstance(names, list | tuple):
        raise ValueError(f"transforms must be a list of names, such as ['trim'], not {names!r}")
    for name in names:
        if name not in TRANSFORMS:
            raise ValueError(f"unknown transform {name!r}; allowed transforms: {ALLOWED}")


def check_source(source) -> None:
    match source:
        case Property():
            path_steps(source.path)
            check_transforms(source.transforms)
        case Template():
            template_parts(source.text)
            check_transforms(source.transforms)
        case Constant(value=str() | int() | float() as value) if not isinstance(value, bool):
            if not str(value).strip() or (isinstance(value, float) and not math.isfinite(value)):
                raise ValueError(f"the constant {value!r} is blank or not finite; give a value")
        case Constant():
            raise ValueError(f"a constant must be text or a number, not {source.value!r}")
        case FirstOf(sources=list() | tuple() as sources) if sources:
            for entry in sources:
                check_source(entry)
        case FirstOf():
            raise ValueError("a fallback chain needs a list of one or more sources")
        case _:
            raise ValueError(
                f"the source must be a Property, Constant, Template or FirstOf, not {source!r}; "
                "for a Graph property write Property('jobTitle')"
            )


def path_steps(path: str) -> tuple[str | int, ...]:
    """`a.b[0]` as ("a", "b", 0)."""
    if not isinstance(path, str) or not PATH.fullmatch(path):
        raise ValueError(
            f"{path!r} is not a Graph property path; join names with dots and index lists, "
            "such as onPremisesExtensionAttributes.extensionAttribute1 or businessPhones[0]"
        )
    return tuple(name or int(index) for name, index in STEP.findall(path))


def template_parts(text: str) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """The text before the first placeholder, the placeholders' paths, the text after each."""
    try:
        parsed = list(string.Formatter().parse(text))
    except (ValueError, TypeError, AttributeError) as error:
        message = f"template {text!r} is malformed ({error}); write {{{{ or }}}} for a brace"
        raise ValueError(message) from None
    paths, texts = [], [""]
    for literal, path, spec, conversion in parsed:
        texts[-1] += literal
        if spec or conversion:
            raise ValueError(f"template {text!r}: formatting such as !r or :>9 is not supported")
        if path is not None:
            path_steps(path)
            paths.append(path)
            texts.append("")
    if not paths:
        raise ValueError(f"template {text!r} has no {{property}}; use a Constant for fixed text")
    return texts[0], tuple(paths), tuple(texts[1:])
