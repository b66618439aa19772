"""Microsoft Graph and Entra ID: tokens through msal, paged user reads. Knows nothing of Dagster."""

from intune_pipeline.graph.auth import GraphCredentials, TokenProvider
from intune_pipeline.graph.client import GraphClient
from intune_pipeline.graph.reads import UserRead, UserScope, read_users

__all__ = [
    "GraphClient",
    "GraphCredentials",
    "TokenProvider",
    "UserRead",
    "UserScope",
    "read_users",
]
