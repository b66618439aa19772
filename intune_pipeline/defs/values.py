"""Settings values as Dagster resources take them, and where each came from."""

import os

import dagster as dg

from intune_pipeline.errors import ConfigError, Labels
from intune_pipeline.settings import Integration
from intune_pipeline.settings_values import Env


class Source(dg.Config):
    """Where one value of a resource comes from in the settings file."""

    setting: str  # as a person points at it: graph.client_secret of integration contoso
    env: str | None = None  # the environment variable it is read from when a run starts
    optional: bool = False  # whether an unset variable switches the setting off


class FromSettings(dg.ConfigurableResource):
    """A resource configured from an integration's settings, whose errors name those settings.

    A value given as {env: NAME} is read from the environment when a run starts, not through
    dg.EnvVar, so that an unset variable is reported with the setting that names it. The config
    holds only the variable's name, never a secret.
    """

    sources: dict[str, Source] = {}

    def value(self, field: str):
        """The field's value: literal, or read from its environment variable now."""
        source = self.sources.get(field)
        if source is None or source.env is None:
            return getattr(self, field)
        value = os.environ.get(source.env)
        if value or source.optional:
            return value or None
        raise ConfigError(
            f"{source.setting} is read from the environment variable {source.env}, which is not "
            f"set (or is empty) where the run started. Set {source.env} there, or change "
            f"{source.setting} in the settings file."
        )

    def label(self, field: str, note: str | None = None) -> str:
        """The setting behind a field as a person would point at it, with its variable if any."""
        source = self.sources.get(field)
        notes = [f"read from {source.env}"] if source and source.env else []
        notes += [note] if note else []
        setting = source.setting if source else field
        return f"{setting} ({'; '.join(notes)})" if notes else setting

    def labels(self, *fields: str) -> Labels:
        """The labels of fields a library takes under the same names."""
        return Labels({field: self.label(field) for field in fields})


def from_settings(integration: Integration, paths: dict[str, str], optional=()) -> dict:
    """A FromSettings resource's arguments: the literal values, and the source of every field.

    paths maps each field to its setting in the integration, such as "oomnitza.api_token".
    An {env: NAME} value is left to be read when a run starts; for the optional fields an unset
    variable switches the setting off, for the others it is a mistake.
    """
    arguments, sources = {}, {}
    for field, path in paths.items():
        value = integration
        for part in path.split("."):
            value = getattr(value, part)
        env = value.env if isinstance(value, Env) else None
        sources[field] = Source(
            setting=f"{path} of integration {integration.name}",
            env=env,
            optional=field in optional,
        )
        if env is None and value is not None:
            arguments[field] = value
    return {**arguments, "sources": sources}
