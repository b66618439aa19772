"""One question asked of a whole column of Python values at once, in C rather than per value."""


def all_of(values, *kinds: type) -> bool:
    """Whether every value is exactly of one of kinds (a subclass is not)."""
    return set(map(type, values)) <= set(kinds)
