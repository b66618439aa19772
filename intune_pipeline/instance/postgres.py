"""Dagster's PostgreSQL storage (runs, event logs, schedules), each part with a pooled engine."""

from dagster._serdes import ConfigurableClassData
from dagster_postgres import DagsterPostgresStorage
from dagster_postgres.auth import PgTokenProvider
from dagster_postgres.utils import (
    create_pg_engine,
    get_token_provider_from_config,
    pg_url_from_config,
)

# As Dagster's webserver pools its own: one connection kept, a few more while threads contend;
# a connection is checked before use (the database may have restarted) and renewed hourly.
POOL = {"pool_size": 1, "max_overflow": 4, "pool_pre_ping": True, "pool_recycle": 3600}


class PostgresStorage(DagsterPostgresStorage):
    """DagsterPostgresStorage, whose parts keep a connection instead of one per statement."""

    def __init__(
        self,
        postgres_url: str,
        should_autocreate_tables: bool = True,
        inst_data: ConfigurableClassData | None = None,
        token_provider: PgTokenProvider | None = None,
    ):
        super().__init__(postgres_url, should_autocreate_tables, inst_data, token_provider)
        for part in (self._run_storage, self._event_log_storage, self._schedule_storage):
            part._engine.dispose()
            part._engine = create_pg_engine(
                postgres_url, token_provider, isolation_level="AUTOCOMMIT", **POOL
            )

    @classmethod
    def from_config_value(cls, inst_data, config_value):
        return cls(
            postgres_url=pg_url_from_config(config_value),
            should_autocreate_tables=config_value.get("should_autocreate_tables", True),
            inst_data=inst_data,
            token_provider=get_token_provider_from_config(config_value),
        )
