"""Settings values as Dagster resources take them."""

import os

import dagster as dg

from intune_pipeline.settings_values import Env


def deferred(value):
    """Read when a run starts, and never shown in the UI: for secrets and required values."""
    return dg.EnvVar(value.env) if isinstance(value, Env) else value


def deferred_int(value):
    return dg.EnvVar.int(value.env) if isinstance(value, Env) else value


def optional(value):
    """An optional value: an environment variable that is not set means the setting is not set."""
    return os.environ.get(value.env) or None if isinstance(value, Env) else value
