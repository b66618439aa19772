"""Checking the sandbox's answers against the OpenAPI subset of Oomnitza's API.

oomnitza_openapi_subset.json is a copy of that subset (its x-source says where it is from).
The description marks nothing nullable, yet Oomnitza answers null for fields without a value,
so null passes for any property; a required property must still be present.
"""

from pathlib import Path

import orjson

SPEC = orjson.loads((Path(__file__).parent / "oomnitza_openapi_subset.json").read_bytes())
TYPES = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
}


def resolve(ref: str) -> dict:
    node = SPEC
    for part in ref.removeprefix("#/").split("/"):
        node = node[part]
    return node


def response_schema(path: str, method: str, status: str = "200") -> dict:
    """The JSON schema of a path's answer, following the $refs into components."""
    answer = SPEC["paths"][path][method]["responses"][status]
    if "$ref" in answer:
        answer = resolve(answer["$ref"])
    return answer["content"]["application/json"]["schema"]


def problems(value, schema: dict, where: str = "$") -> list[str]:
    """Where value departs from schema; empty when it conforms."""
    if "$ref" in schema:
        schema = resolve(schema["$ref"])
    if value is None:
        return []
    kind = schema.get("type")
    allowed = TYPES.get(kind, (object,))
    if not isinstance(value, allowed) or (
        kind in ("integer", "number") and isinstance(value, bool)
    ):
        return [f"{where}: {value!r} is not {kind}"]
    if kind == "array":
        return [
            p
            for n, item in enumerate(value)
            for p in problems(item, schema["items"], f"{where}[{n}]")
        ]
    if kind == "object":
        found = [f"{where}: no {name}" for name in schema.get("required", ()) if name not in value]
        for name, sub in schema.get("properties", {}).items():
            if name in value:
                found += problems(value[name], sub, f"{where}.{name}")
        return found
    return []
