"""The one Definitions object of the intune_pipeline code location."""

import dagster as dg

from intune_pipeline.defs.graph import assets as graph_assets
from intune_pipeline.defs.graph.resources import graph_resource_from_env
from intune_pipeline.defs.jobs import sync_job
from intune_pipeline.defs.oomnitza import assets as oomnitza_assets
from intune_pipeline.defs.oomnitza import checks as oomnitza_checks
from intune_pipeline.defs.oomnitza.resources import oomnitza_resources_from_env


def build_defs() -> dg.Definitions:
    """The definitions, with the connection settings of the current environment."""
    return dg.Definitions(
        assets=dg.load_assets_from_modules([graph_assets, oomnitza_assets]),
        asset_checks=dg.load_asset_checks_from_modules([oomnitza_checks]),
        jobs=[sync_job],
        resources={"graph": graph_resource_from_env(), **oomnitza_resources_from_env()},
    )


defs = build_defs()
