"""Hypothesis strategies for Graph user payloads: good users, and every way one can be bad."""

import uuid

from hypothesis import strategies as st

from intune_pipeline.users.schemas import GRAPH_USER_PROPERTIES

# One character from each of Unicode's 17 planes (3-13 are unassigned, still valid text).
PLANES = [chr(plane * 0x10000 + 0x4E2D) for plane in range(17)]
# Any code point that UTF-8 can carry (surrogates cannot), control characters included.
ANY_CHARACTER = st.characters(min_codepoint=0, max_codepoint=0x10FFFF, exclude_categories=["Cs"])
PRINTABLE = st.characters(
    max_codepoint=0x10FFFF, exclude_categories=["Cs", "Cc"], exclude_characters="\x7f"
)
NAME_PARTS = st.text(PRINTABLE, min_size=1, max_size=20) | st.sampled_from(PLANES)


def names(size: int = 40):
    """Text a person could be called: any printable character, every plane, no blanks."""
    return st.lists(NAME_PARTS, min_size=1, max_size=3).map(lambda p: "x" + "".join(p)[:size])


@st.composite
def good_user(draw, n: int) -> dict:
    """A valid Graph user; n makes its id and addresses unique."""
    address = f"user{n}@contoso.com"
    user = {
        "id": str(uuid.UUID(int=n + 1)),
        "userPrincipalName": address,
        "mail": address.upper() if draw(st.booleans()) else address,
        "givenName": draw(names()),
        "surname": draw(st.none() | names()),
        "displayName": draw(names(200)),
        "jobTitle": draw(st.none() | names(100)),
        "officeLocation": draw(st.none() | names(100)),
        "mobilePhone": draw(st.none() | st.from_regex(r"\+[0-9 ]{6,20}", fullmatch=True)),
        "businessPhones": draw(st.lists(st.from_regex(r"[0-9]{6,12}", fullmatch=True), max_size=2)),
    }
    # Graph leaves out properties it has no value for, or sends null.
    for name in draw(st.sets(st.sampled_from(["surname", "jobTitle", "officeLocation"]))):
        del user[name]
    return user


# What JSON from Graph can carry, and the sandbox's tenant file can hold: 64-bit integers.
INTEGERS = st.integers(-(2**63), 2**63 - 1)
BAD_VALUES = st.one_of(
    st.none(),
    INTEGERS,
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.lists(INTEGERS | st.text(max_size=5), max_size=3),
    st.dictionaries(st.text(max_size=5), INTEGERS, max_size=2),
    st.text(ANY_CHARACTER, max_size=30),  # control characters, every plane
    st.integers(300, 20_000).map(lambda n: "é" * n),  # too long for any field
    # An address Graph takes (a 256-character displayName, a principal name up to 1,024) that is
    # too long for the Oomnitza field it fills.
    st.sampled_from([256, 300, 1024]).map(lambda n: "u" * (n - 12) + "@contoso.com"),
    st.just(""),
    st.just("   "),
)


@st.composite
def bad_user(draw, n: int) -> object:
    """A good user spoiled: a property missing, null or of a wrong value, or no object at all."""
    how = draw(st.sampled_from(["value", "missing", "not_an_object", "empty"]))
    if how == "not_an_object":
        return draw(st.none() | INTEGERS | st.text(max_size=10) | st.lists(INTEGERS))
    if how == "empty":
        return {}
    user = draw(good_user(n))
    spoiled = draw(st.sampled_from(GRAPH_USER_PROPERTIES))
    if how == "missing":
        user.pop(spoiled, None)
    else:
        user[spoiled] = draw(BAD_VALUES)
    return user
