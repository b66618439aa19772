"""Mappings as the settings file writes them, made into the mapping engine's specs.

position: jobTitle                                # a Graph property
phone_number: [mobilePhone, businessPhones[0]]    # the first that has a value
full_name: {template: "{givenName} {surname}"}
address: {constant: Head office}
email: {first_of: [mail, otherMails[0]], transforms: [trim, lower]}
a41c0e7b19: department                            # a custom field, by its internal id
phone_number: {property: mobilePhone, clear_when_blank: true}  # a blank clears Oomnitza's value
"""

from intune_pipeline.users.mapping import STANDARD_MAPPINGS, check_targets
from intune_pipeline.users.mapping_engine import with_custom
from intune_pipeline.users.mapping_specs import Constant, FirstOf, Mapping, Property, Template

KINDS = ("property", "constant", "template", "first_of")


def source(target: str, entry):
    """A source from a property path, a list (a fallback chain) or a one-kind dict."""
    if isinstance(entry, str):
        return Property(entry)
    if isinstance(entry, list):
        return FirstOf(tuple(source(target, item) for item in entry))
    if isinstance(entry, dict):
        kinds = [kind for kind in KINDS if kind in entry]
        if len(kinds) != 1 or set(entry) - {*kinds, "transforms"}:
            raise ValueError(
                f"mapping {target!r}: write one of {', '.join(KINDS)} (with transforms if "
                f"wanted), not {', '.join(map(str, entry)) or 'nothing'}"
            )
        kind, value = kinds[0], entry[kinds[0]]
        transforms = tuple(entry.get("transforms") or ())
        if kind == "property":
            return Property(value, transforms)
        if kind == "template":
            return Template(value, transforms)
        if kind == "constant":
            return Constant(value)
        return FirstOf(tuple(source(target, item) for item in value or []))
    raise ValueError(
        f"mapping {target!r}: give a Graph property such as jobTitle, a list of them to try "
        f"in order, or one of {', '.join(KINDS)}"
    )


def custom_mappings(entries) -> tuple[Mapping, ...]:
    """The settings' mappings, all checked; every problem is named, not just the first."""
    if entries is None:
        return ()
    if not isinstance(entries, dict):
        raise ValueError(
            "mappings maps Oomnitza field names (or custom fields' ids) to sources, "
            "e.g. position: jobTitle"
        )
    made, problems = [], []
    for target, entry in entries.items():
        if not isinstance(target, str):
            # YAML reads some ids of digits as numbers (0123456701 as octal): they need quotes.
            problems.append(
                f"the mapping key {target!r} is read as a number; put a custom field's id in "
                "quotes, such as '0123456789': department"
            )
            continue
        try:
            transforms, clear = (), False
            if isinstance(entry, dict) and "transforms" in entry:
                # The entry's own transforms apply to its result, whatever kind of source it is.
                transforms = entry["transforms"] or ()
                transforms = tuple(transforms) if isinstance(transforms, list) else transforms
                entry = {key: value for key, value in entry.items() if key != "transforms"}
            if isinstance(entry, dict) and "clear_when_blank" in entry:
                clear = entry["clear_when_blank"]
                if not isinstance(clear, bool):
                    raise ValueError(f"mapping {target!r}: clear_when_blank is true or false")
                entry = {key: value for key, value in entry.items() if key != "clear_when_blank"}
            made.append(Mapping(target, source(target, entry), transforms, clear))
        except (ValueError, TypeError) as error:
            problems.append(str(error))
    if not problems:
        try:
            check_targets(with_custom(STANDARD_MAPPINGS, made))
        except ValueError as error:
            problems.append(str(error))
    if problems:
        raise ValueError("; ".join(problems))
    return tuple(made)
