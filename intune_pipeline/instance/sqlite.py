"""The embedded instance (dagster.yaml): Dagster's, whose SQLite event log keeps connections.

Each database keeps its engine and one pooled connection, for the few databases last used, and
a run's new database is a copy of an empty one made once (creating and stamping its tables took
60-70 ms of every run); the rest is Dagster's SQLite storage. Only an instance class learns the
instance's directory, which `dagster dev` and `dagster definitions validate` choose themselves
when DAGSTER_HOME is not set, so the instance class sets the default storage; a `storage:` in
dagster.yaml still wins.
"""

import os
import shutil
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager, suppress

import dagster as dg
import yaml
from dagster._core.instance.ref import InstanceRef
from dagster._core.storage.event_log.sqlite.sqlite_event_log import (
    INDEX_SHARD_NAME,
    SQLITE_BUSY_TIMEOUT_SECONDS,
    SqliteEventLogStorage,
)
from dagster._core.storage.sql import create_engine
from dagster._core.storage.sqlite_storage import DagsterSqliteStorage, _event_logs_directory
from dagster._serdes import ConfigurableClassData
from sqlalchemy.engine import Connection, Engine

# A run's process uses two databases (its run's and the index); the webserver and the daemon read
# many runs, and a database left out of the last few is closed.
KEPT_DATABASES = 8
# Not *.db, which Dagster takes for a run's database; one per Dagster version, whose tables and
# migration stamp it holds.
TEMPLATE = f"run-template-{dg.__version__}.sqlite"


class PooledSqliteEventLogStorage(SqliteEventLogStorage):
    """Dagster's run-sharded SQLite event log, keeping an engine for each of the last databases."""

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None):
        self._engines: OrderedDict[str, Engine] = OrderedDict()
        super().__init__(base_dir, inst_data)
        # Made as the storage opens, once per Dagster version, rather than in a run's first event.
        self._template()

    def _engine(self, shard: str) -> Engine:
        engine = self._engines.pop(shard, None) or create_engine(
            self.conn_string_for_shard(shard),
            pool_size=1,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS},
        )
        self._engines[shard] = engine
        while len(self._engines) > KEPT_DATABASES:
            self._engines.popitem(last=False)[1].dispose()
        return engine

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:
        with self._db_lock:
            engine = self._engine(shard)
            if shard not in self._initialized_dbs:
                if not self._copied_template(shard):
                    self._initdb(engine)
                self._initialized_dbs.add(shard)
            with engine.connect() as conn:
                with conn.begin():
                    yield conn
                # Dagster's watchers (a run's live log in the UI) see new events when the run's
                # database file changes, which a pooled connection's WAL alone does not do: move
                # the WAL into the file, as closing the connection would.
                conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")

    def _copied_template(self, shard: str) -> bool:
        """Whether a run's database was made now, as a copy of the template (made first if need
        be). Never over an existing file: another process may have made it and written to it."""
        path = self.path_for_shard(shard)
        if shard == INDEX_SHARD_NAME or os.path.exists(path):
            return False
        template = self._template()
        return self._made(path, lambda partial: shutil.copyfile(template, partial))

    def _template(self) -> str:
        """The empty run database's path, made first if need be."""
        template = os.path.join(self._base_dir, TEMPLATE)
        if not os.path.exists(template):
            self._made(template, self._initdb_at)
        return template

    def _initdb_at(self, path: str) -> None:
        engine = create_engine(f"sqlite:///{path}")
        try:
            self._initdb(engine)
        finally:
            engine.dispose()  # closed, so the file holds everything (no WAL beside it)

    @staticmethod
    def _made(path: str, make) -> bool:
        """make(partial), then partial linked to path unless path exists by then; whether it was."""
        partial = f"{path}.{os.getpid()}.partial"
        try:
            make(partial)
            os.link(partial, path)
            return True
        except FileExistsError:
            return False
        finally:
            with suppress(FileNotFoundError):
                os.unlink(partial)

    def _dispose_engines(self) -> None:
        with self._db_lock:
            while self._engines:
                self._engines.popitem()[1].dispose()

    def wipe(self) -> None:
        self._dispose_engines()  # before Dagster deletes the files they hold open
        super().wipe()

    def dispose(self) -> None:
        super().dispose()
        self._dispose_engines()


class SqliteStorage(DagsterSqliteStorage):
    """Dagster's SQLite storage (runs, event logs, schedules under base_dir), pooled event log."""

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None):
        super().__init__(base_dir, inst_data)
        # In place of Dagster's event log, which holds no connection until it is used.
        self._event_log_storage = PooledSqliteEventLogStorage(_event_logs_directory(base_dir))

    @classmethod
    def from_config_value(cls, inst_data, config_value):
        return cls.from_local(inst_data=inst_data, **config_value)


class Instance(dg.DagsterInstance):
    """Dagster's instance, whose default storage is SqliteStorage in the instance's directory."""

    @classmethod
    def config_schema(cls) -> dict:
        return {}

    @staticmethod
    def config_defaults(base_dir: str) -> dict:
        storage = yaml.dump({"base_dir": base_dir}, default_flow_style=False)
        defaults = dict(InstanceRef.config_defaults(base_dir))
        defaults["storage"] = ConfigurableClassData(__name__, SqliteStorage.__name__, storage)
        return defaults
