"""Dagster-facing wiring: resources, assets, checks, jobs. The libraries never import this."""
