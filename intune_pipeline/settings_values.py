"""Values of the settings file: literal, or {env: NAME} read when a run starts."""

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, PlainValidator, ValidationError

ADDRESS = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


class Env(BaseModel):
    """A value read from an environment variable when a run starts."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    env: Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")]


def env_reference(value) -> Env:
    if isinstance(value, Env):  # settings built in code rather than read from YAML
        return value
    if isinstance(value, dict) and set(value) == {"env"}:
        try:
            return Env.model_validate(value)
        except ValidationError:
            pass
    raise ValueError("write {env: VARIABLE_NAME}, naming an environment variable")


def text_or_env(value):
    if isinstance(value, dict | Env):
        return env_reference(value)
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        return str(value)
    raise ValueError("give text, or {env: VARIABLE_NAME} to read it from the environment")


def secret(value) -> Env:
    if not isinstance(value, dict | Env):
        raise ValueError(
            "a secret is never written in the settings file: write {env: VARIABLE_NAME} and "
            "set that variable where the pipeline runs"
        )
    return env_reference(value)


def whole_number_or_env(value):
    if isinstance(value, dict | Env):
        return env_reference(value)
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    raise ValueError("give the id (a whole number) of an Oomnitza role, or {env: VARIABLE_NAME}")


Text = Annotated[str | Env, PlainValidator(text_or_env)]
Secret = Annotated[Env, PlainValidator(secret)]  # never literal: the file is reviewed, committed
RoleId = Annotated[int | Env, PlainValidator(whole_number_or_env)]


class Section(BaseModel):
    # Each setting's docstring is its description in the generated settings reference.
    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)


def where(loc: tuple) -> str:
    """integrations[0].graph.tenant_id, as a person would point at it."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "the file"


def advice(error: dict) -> str:
    if error["type"] == "missing":
        return "is required but missing"
    if error["type"] == "extra_forbidden":
        return "is not a setting; check its spelling and indentation"
    if error["type"] == "string_pattern_mismatch" and error["ctx"]["pattern"] == ADDRESS:
        return f"{error['input']!r} is not an e-mail address; give one such as ops@example.com"
    if error["type"] == "bool_parsing":
        return f"{error['input']!r} is not true or false"
    return error["msg"].removeprefix("Value error, ")
