"""Graph user and Oomnitza user frames: schemas, validation, mapping. Pure pandas, no I/O."""
