"""The Dagster instance's storage, Dagster's own but keeping its database connections.

Dagster's SQLite event log opens a new engine and connection for every event it stores or reads,
and its PostgreSQL storage a new connection for every statement outside the webserver; a sync run
stores about 100 events: that was about 0.7 s of every run on SQLite and 1.5 s on PostgreSQL
(benchmarks/RESULTS.md). `sqlite.Instance` is the
embedded default's instance class (dagster.yaml); `postgres.PostgresStorage` is the production
profile's storage (deploy/dagster.postgres.yaml). Tables, files and their places are Dagster's.
"""
