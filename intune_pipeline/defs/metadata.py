"""Asset metadata that reads well in the Dagster UI: counts, previews, quarantine tables."""

import warnings

import dagster as dg
import pandas as pd
from dagster_pandera import pandera_schema_to_dagster_type

MAX_TABLE_ROWS = 500  # rows of a quarantine or skip list kept in one event; the count is exact


def frame_type(model) -> tuple[dg.DagsterType, dict]:
    """The Dagster type of a frame of the Pandera model, and its column schema.

    The asset that makes the frame has validated it with the model (quarantining the rows that
    fail), so the type only checks that it is such a frame: validating every row again would
    double the cost of validation, the largest of a big tenant's sync.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", dg.BetaWarning)
        pandera_type = pandera_schema_to_dagster_type(model)
    schema = model.to_schema()
    required = [name for name, column in schema.columns.items() if column.required]
    required = [name for name in required if not schema.columns[name].regex]

    def is_frame(_context, value) -> dg.TypeCheck:
        missing = [] if not isinstance(value, pd.DataFrame) else sorted(set(required) - set(value))
        if not isinstance(value, pd.DataFrame) or missing:
            return dg.TypeCheck(False, f"Not a {model.__name__} frame: lacks {missing or 'rows'}")
        return dg.TypeCheck(True)

    dagster_type = dg.DagsterType(
        is_frame,
        name=pandera_type.unique_name,
        description=pandera_type.description,
        metadata=pandera_type.metadata,
        typing_type=pd.DataFrame,
    )
    return dagster_type, {"dagster/column_schema": pandera_type.metadata["schema"].value}


def table(frame: pd.DataFrame) -> dg.TableMetadataValue:
    """A table of (up to MAX_TABLE_ROWS of) a frame's rows, every value as text."""
    shown = frame.head(MAX_TABLE_ROWS).astype(object)
    shown = shown.where(shown.notna(), None)
    return dg.MetadataValue.table(
        records=[
            dg.TableRecord({k: "" if v is None else str(v) for k, v in row.items()})
            for row in shown.to_dict("records")
        ],
        schema=dg.TableSchema(columns=[dg.TableColumn(str(c), "string") for c in frame.columns]),
    )


def metadata_values(metadata) -> dict:
    """Metadata entries as plain values (a table stays a TableMetadataValue)."""
    return {key: value.value for key, value in metadata.items()}


def latest_metadata(instance: dg.DagsterInstance, asset: dg.AssetKey) -> dict:
    """The metadata of the asset's latest materialization (in a run, this run's), as values."""
    event = instance.get_latest_materialization_event(asset)
    return metadata_values(event.asset_materialization.metadata if event else {})


PREVIEW_ROWS = 5


def preview(frame: pd.DataFrame, rows: int = PREVIEW_ROWS) -> dg.MarkdownMetadataValue:
    return dg.MetadataValue.md(frame.head(rows).to_markdown(index=False))
