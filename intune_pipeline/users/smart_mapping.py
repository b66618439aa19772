"""Smart mapping: the Oomnitza user fields an integration does not fill yet, matched by label to
Graph user properties, as YAML to paste under `mappings:`. Pure: the fields' metadata comes in."""

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

import yaml

from intune_pipeline.users.mapping import MAPPED_FIELDS
from intune_pipeline.users.mapping_specs import Mapping
from intune_pipeline.users.schemas import is_custom_field

# The text properties of Graph's v1.0 user resource that a list of users returns on $select
# (https://learn.microsoft.com/graph/api/resources/user?view=graph-rest-1.0): the ones Graph
# returns only for a single user (aboutMe, skills, ...) and the non-text ones (accountEnabled,
# assignedLicenses, ...) are left out. Nested ones in the settings' path syntax, text lists by
# their first item.
EXTENSION_ATTRIBUTES = [
    f"onPremisesExtensionAttributes.extensionAttribute{n}" for n in range(1, 16)
]
_PROPERTIES = """
    id userPrincipalName mail givenName surname displayName jobTitle department companyName
    officeLocation mobilePhone businessPhones[0] faxNumber streetAddress city state postalCode
    country usageLocation employeeId employeeType employeeHireDate employeeLeaveDateTime
    employeeOrgData.costCenter employeeOrgData.division otherMails[0] proxyAddresses[0]
    imAddresses[0] mailNickname preferredLanguage preferredDataLocation userType ageGroup
    consentProvidedForMinor legalAgeGroupClassification creationType externalUserState
    createdDateTime lastPasswordChangeDateTime passwordPolicies securityIdentifier
    onPremisesSamAccountName onPremisesUserPrincipalName onPremisesDomainName
    onPremisesDistinguishedName onPremisesImmutableId onPremisesSecurityIdentifier
    onPremisesLastSyncDateTime
"""
GRAPH_USER_PROPERTIES = (*_PROPERTIES.split(), *EXTENSION_ATTRIBUTES)
# Words that name the same thing in labels and in Graph's property names.
SYNONYMS = {"telephone": "phone", "tel": "phone", "cell": "mobile", "zip": "postal"}
SYNONYMS |= {"dept": "department", "identifier": "id", "no": "number", "num": "number"}
NESTED = 0.95  # a nested property or list item loses a tie to a top-level property
LEVELS = ((0.95, "exact"), (0.8, "likely"), (0.6, "possible"))  # below: no good match


def words(text: str) -> tuple[str, ...]:
    """The words of a label or property path: case, punctuation, camelCase and plurals aside."""
    text = re.sub(r"\[\d+\]", "", text)
    text = re.sub(r"([a-z0-9])([A-Z])|([A-Z])([A-Z][a-z])", r"\1\3 \2\4", text)
    found = re.findall(r"[a-z0-9]+", text.lower())
    singular = [
        w[:-1] if len(w) > 2 and w.endswith("s") and not w.endswith("ss") else w for w in found
    ]
    return tuple(SYNONYMS.get(word, word) for word in singular)


def similarity(label: tuple[str, ...], name: tuple[str, ...]) -> float:
    """1 for the same words run together; else shared words or close spelling, whichever is more."""
    joined, other = "".join(label), "".join(name)
    if joined == other:
        return 1.0
    shared = 2 * len(set(label) & set(name)) / (len(set(label)) + len(set(name)) or 1)
    return max(shared, 0.9 * SequenceMatcher(None, joined, other).ratio())


def score(label: str, path: str) -> float:
    """How well a label names a property: by its own name, or a nested one by its whole path."""
    own = similarity(words(label), words(path.rsplit(".", 1)[-1]))
    if path.isidentifier():
        return own
    whole = similarity(words(label), words(path)) if "." in path else 0.0
    return max(NESTED * own, whole)


@dataclass(frozen=True)
class Suggestion:
    """An unmapped Oomnitza field and the Graph property that its label names best."""

    target: str  # what the settings' mappings call the field: a custom field's id, a REST name
    label: str
    unique: bool
    path: str | None  # None when no property matches well enough
    score: float
    runner_up: str | None = None  # a property that matches (nearly) as well


def unmapped_fields(fields: Iterable[dict], mappings: Sequence[Mapping], intune_user_id_field: str):
    """(target, field) for each editable field the integration could map but does not."""
    filled = {m.target for m in mappings} | {"role", intune_user_id_field}
    for field in fields:
        target = field["internal_id"] if field.get("custom") else field.get("field_name")
        mappable = is_custom_field(target) if field.get("custom") else target in MAPPED_FIELDS
        if mappable and field.get("editable", True) and target not in filled:
            yield target, field


def suggest(fields: Iterable[dict], mappings: Sequence[Mapping], intune_user_id_field: str):
    """A suggestion for each field the integration leaves unmapped, in Oomnitza's order."""
    suggestions = []
    for target, field in unmapped_fields(fields, mappings, intune_user_id_field):
        label = " ".join(str(field.get("label") or target).split())
        ranked = sorted(GRAPH_USER_PROPERTIES, key=lambda path: -score(label, path))
        best, second = (score(label, path) for path in ranked[:2])
        good = best >= LEVELS[-1][0]
        close = ranked[1] if good and best - second < 0.05 else None
        unique = bool(field.get("unique"))
        suggestions.append(
            Suggestion(target, label, unique, ranked[0] if good else None, best, close)
        )
    return suggestions


def bare(text: str) -> str:
    """Text as a YAML scalar: bare when YAML reads it back as the same text, else quoted."""
    plain = re.fullmatch(r"[A-Za-z0-9_.]+", text) and yaml.safe_load(text) == text
    return text if plain else json.dumps(text)


def as_yaml(suggestions: Sequence[Suggestion], integration: str) -> str:
    """Lines to paste under the integration's `mappings:`, each saying why; misses as comments."""
    found = [s for s in suggestions if s.path]
    lines = [
        f"# {integration}: Oomnitza user fields it does not map yet, matched by label to Graph"
    ]
    lines += ["# user properties; paste under its `mappings:` and review each line."]
    lines += [] if found else ["# (no field found a good match)"]
    # Comments aligned, short of the longest paths (extension attributes).
    width = min(40, max((len(f"{bare(s.target)}: {bare(s.path)}") for s in found), default=0))
    for s in found:
        level = next(word for floor, word in LEVELS if s.score >= floor)
        why = f'"{s.label}" ~ {s.path}: {level} ({s.score:.0%})'
        why += f", or {s.runner_up}" if s.runner_up else ""
        why += "; unique in Oomnitza: a shared value fails" if s.unique else ""
        lines.append(f"{bare(s.target) + ': ' + bare(s.path):<{width}}  # {why}")
    misses = [s for s in suggestions if not s.path]
    lines += ["# No good match; map these by hand if Graph holds them:"] if misses else []
    lines += [f'#   {s.target}: "{s.label}"' for s in misses]
    return "\n".join(lines)
