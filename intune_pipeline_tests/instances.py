"""Throwaway Dagster instances of the project's instance class (dagster.yaml), as `make run` has."""

from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import yaml

DAGSTER_YAML = Path(__file__).parents[1] / "dagster.yaml"
INSTANCE_CLASS = yaml.safe_load(DAGSTER_YAML.read_text())["instance_class"]


@contextmanager
def instance_for_test(**overrides):
    """dg.instance_for_test in a temporary DAGSTER_HOME, storing as the project's instance does."""
    with dg.instance_for_test(
        overrides={"instance_class": INSTANCE_CLASS, **overrides}
    ) as instance:
        yield instance
