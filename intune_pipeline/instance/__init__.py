"""The Dagster instance's storage, Dagster's own but keeping its database connections.

Dagster's SQLite and PostgreSQL storages open a new connection for every event a run stores or
reads (the webserver's excepted), and a sync run stores about 100 events: that was about 0.7 s
of every run on SQLite and 1.5 s on PostgreSQL (benchmarks/RESULTS.md). `sqlite.Instance` is the
embedded default's instance class (dagster.yaml); `postgres.PostgresStorage` is the production
profile's storage (deploy/dagster.postgres.yaml). Tables, files and their places are Dagster's.
"""
