"""The Oomnitza API: users, their fields, bulk portions and run logs. Knows nothing of Dagster."""

from intune_pipeline.oomnitza.bulk import PortionOutcome, upload_portion
from intune_pipeline.oomnitza.client import OomnitzaClient
from intune_pipeline.oomnitza.fields import BULK_FIELD_IDS, bulk_records
from intune_pipeline.oomnitza.metadata import user_fields
from intune_pipeline.oomnitza.rehearsal import rehearse

__all__ = [
    "BULK_FIELD_IDS",
    "OomnitzaClient",
    "PortionOutcome",
    "bulk_records",
    "rehearse",
    "upload_portion",
    "user_fields",
]
