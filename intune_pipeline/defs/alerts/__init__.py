"""Sensors that tell integration contacts about failed, overrun and missed runs."""
