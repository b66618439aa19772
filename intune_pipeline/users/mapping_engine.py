"""Evaluating mapping specs over a frame of Graph users, column by column."""

from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from intune_pipeline.kinds import all_of
from intune_pipeline.users.mapping_specs import (
    TRANSFORMS,
    Constant,
    FirstOf,
    Mapping,
    Property,
    Template,
    path_steps,
    template_parts,
)

EMPTIES = frozenset({list, tuple, dict})
NONE = type(None)


def cleaned(values: pd.Series, *functions) -> pd.Series:
    """The functions applied in order; blank text, empty lists and NaN become None."""
    results = values.to_numpy(dtype=object)
    for function in functions:
        results = map(function, results)
    results = list(results)
    if no_blanks(results):
        # fromiter: a Series made from a list fills its array six times slower.
        array = np.fromiter(results, dtype=object, count=len(results))
        return pd.Series(array, index=values.index, copy=False)
    # Inline rather than a call per value: every mapped column passes through this loop.
    tidy = [
        None
        if ((kind := value.__class__) is str and (not value or value.isspace()))
        or (kind in EMPTIES and not value)
        else value
        for value in results
    ]
    array = np.fromiter(tidy, dtype=object, count=len(tidy))
    array[pd.isna(array)] = None
    return pd.Series(array, index=values.index, copy=False)


def no_blanks(values: list) -> bool:
    """Only text, none of it blank, and None, as in validated Graph users: asked in C."""
    return (
        all_of(values, str, NONE)
        and "" not in values
        and not any(map(str.isspace, filter(None, values)))
    )


def walk(value, steps):
    for step in steps:
        if isinstance(step, int):
            value = value[step] if isinstance(value, list | tuple) and step < len(value) else None
        else:
            value = value.get(step) if isinstance(value, dict) else None
    return value


def walked(values: pd.Series, steps) -> pd.Series:
    """Each value walked down steps (a path's steps after its column), then cleaned."""
    # A plain column needs no per-row walk, only the blank check.
    return cleaned(values, *([lambda value: walk(value, steps)] if steps else []))


def read(frame: pd.DataFrame, path: str) -> pd.Series:
    name, *rest = path_steps(path)
    return walked(frame[name], rest)


def transformed(values: pd.Series, names) -> pd.Series:
    return cleaned(values, *(TRANSFORMS[name] for name in names)) if names else values


def text(value) -> str:
    return ", ".join(map(str, value)) if isinstance(value, list | tuple) else str(value)


def render(prefix: str, following: tuple[str, ...], values: tuple) -> str | None:
    """Present values joined by the text after each; a blank one drops out with its text."""
    present = [
        (text(value), after)
        for value, after in zip(values, following, strict=True)
        if value is not None
    ]
    if not present:
        return None
    body = "".join(value + after for value, after in present[:-1]) + present[-1][0]
    return " ".join(f"{prefix}{body}{following[-1]}".split())


def source_values(source, frame: pd.DataFrame) -> pd.Series:
    match source:
        case Property():
            return transformed(read(frame, source.path), source.transforms)
        case Constant():
            return pd.Series([source.value] * len(frame), index=frame.index, dtype=object)
        case Template():
            prefix, paths, following = template_parts(source.text)
            columns = [read(frame, path) for path in paths]
            rendered = [render(prefix, following, row) for row in zip(*columns, strict=True)]
            values = pd.Series(rendered, index=frame.index, dtype=object)
            return transformed(values, source.transforms)
        case FirstOf():
            values = source_values(source.sources[0], frame)
            for fallback in source.sources[1:]:
                missing = values.isna()
                if not missing.any():
                    break
                values = values.where(~missing, source_values(fallback, frame))
            return values


def properties_needed(mappings: Iterable[Mapping]) -> set[str]:
    """The top-level Graph properties the mappings read: the `$select` list."""

    def needed(source) -> set[str]:
        match source:
            case Property():
                return {path_steps(source.path)[0]}
            case Template():
                return {path_steps(path)[0] for path in template_parts(source.text)[1]}
            case FirstOf():
                return set().union(*map(needed, source.sources))
        return set()

    return set().union(*(needed(mapping.source) for mapping in mappings))


def repeated(mappings: Iterable[Mapping]) -> list[str]:
    counts = Counter(mapping.target for mapping in mappings)
    return sorted(target for target, count in counts.items() if count > 1)


def with_custom(defaults: Sequence[Mapping], custom: Sequence[Mapping]) -> tuple[Mapping, ...]:
    """The defaults with custom mappings: one for a default's target replaces it, others add."""
    if twice := repeated(custom):
        raise ValueError(
            f"custom mappings fill {', '.join(twice)} more than once; keep one mapping per "
            "field, with a FirstOf chain for fallbacks"
        )
    overrides = {mapping.target: mapping for mapping in custom}
    merged = [overrides.pop(mapping.target, mapping) for mapping in defaults]
    return (*merged, *overrides.values())


def evaluate(mappings: Sequence[Mapping], graph_users: pd.DataFrame) -> pd.DataFrame:
    """One object column per mapping target, on the users' index; missing values are None."""
    if twice := repeated(mappings):
        raise ValueError(f"more than one mapping fills {', '.join(twice)}; use with_custom")
    if absent := sorted(properties_needed(mappings) - set(graph_users.columns)):
        raise ValueError(
            f"the mappings read {', '.join(absent)}, which the Graph users frame lacks; "
            "read every property that properties_needed() names"
        )
    columns = {
        m.target: transformed(source_values(m.source, graph_users), m.transforms) for m in mappings
    }
    return pd.DataFrame(columns, index=graph_users.index)
