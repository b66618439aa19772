"""$filter on users: a parser for the part of OData that Graph's directory understands."""

from intune_pipeline.sandbox import graph_filter_terms as t
from intune_pipeline.sandbox.graph_filter_terms import Guid, Keep, invalid


def compile_filter(text: str, properties: dict[str, str]) -> tuple[Keep, str | None]:
    """A predicate on user dicts, and the first property whose clause needs advanced query."""
    parser = _Parser(text, properties)
    keep = parser.disjunction()
    if parser.i < len(parser.tokens):
        raise parser.syntax()
    return keep, parser.advanced


class _Parser:
    def __init__(self, text: str, properties: dict[str, str]):
        self.text, self.properties, self.i, self.advanced = text, properties, 0, None
        self.tokens, self.scope = t.tokenize(text), None
        self.seen: list[str] = []  # the user properties the clauses name, in order

    def syntax(self):
        at = self.tokens[min(self.i, len(self.tokens)) - 1][2] if self.i else 0
        return t.syntax_error(at, self.text)

    def take(self, kind: str | None = None, value: str | None = None) -> str:
        got_kind, got, _ = self.tokens[self.i] if self.i < len(self.tokens) else ("", "", 0)
        if not got or (kind and got_kind != kind) or (value and got.lower() != value):
            raise self.syntax()
        self.i += 1
        return got

    def word(self, *words: str) -> str | None:
        """The next token, t.lower-cased, when it is one of words; it is then consumed."""
        low = self.tokens[self.i][1].lower() if self.i < len(self.tokens) else None
        if low in words and self.tokens[self.i][0] == "name":
            self.i += 1
            return low
        return None

    def at(self, punct: str) -> bool:
        return self.i < len(self.tokens) and self.tokens[self.i][1] == punct

    def needs_advanced(self, prop: str) -> None:
        self.advanced = self.advanced or prop

    def disjunction(self) -> Keep:
        parts = [self.conjunction()]
        while self.word("or"):
            parts.append(self.conjunction())
        return t.either(parts)

    def conjunction(self) -> Keep:
        parts = [self.negation()]
        while self.word("and"):
            parts.append(self.negation())
        return t.both(parts)

    def negation(self) -> Keep:
        if not self.word("not"):
            return self.primary()
        mark = len(self.seen)
        inner = self.negation()
        self.needs_advanced(self.seen[mark] if len(self.seen) > mark else "not")
        return lambda item: not inner(item)

    def primary(self) -> Keep:
        if self.at("("):
            self.i += 1
            inner = self.disjunction()
            self.take("punct", ")")
            return inner
        name = self.take("name")
        if name.lower() in t.FUNCTIONS and self.at("("):
            return self.function(name.lower())
        if name.lower().endswith(("/any", "/all")) and self.scope is None:
            return self.any(name)
        return self.comparison(self.resolve(name))

    def resolve(self, name: str) -> str:
        if self.scope is not None:
            variable, _, field = name.partition("/")
            if variable != self.scope or field.lower() not in t.PLAN_FIELDS:
                raise t.no_property(field or name, "assignedPlan")
            return t.PLAN_FIELDS[field.lower()]
        prop = self.properties.get(name.lower())
        if prop is None:
            raise t.no_property(name, "user")
        self.seen.append(prop)
        return prop

    def literal(self):
        kind = self.tokens[self.i][0] if self.i < len(self.tokens) else None
        value = t.literal(kind, self.take())
        if value is t.NOT_A_LITERAL:
            raise self.syntax()
        return value

    def typed(self, prop: str, literal, op: str):
        if self.scope is not None:
            wanted = Guid if prop == "servicePlanId" else str
        else:
            wanted = bool if prop in t.BOOLEAN else str
        if literal is None or type(literal) is wanted:
            return literal
        have, need = (t.EDM.get(kind, "Edm.Guid") for kind in (type(literal), wanted))
        raise t.incompatible(need, have, op)

    def comparison(self, prop: str) -> Keep:
        op = self.word("eq", "ne", "in", "gt", "ge", "lt", "le")
        if op is None:
            raise self.syntax()
        if (self.scope is None and prop not in t.FILTERABLE) or op not in ("eq", "ne", "in"):
            raise t.unsupported(prop)
        if op != "in":
            literal = self.typed(prop, self.literal(), "Equal" if op == "eq" else "NotEqual")
            if op == "eq":
                return t.equals(prop, literal)
            self.needs_advanced(prop)
            equal = t.equals(prop, literal)  # null ne 'x' holds, as in OData (inferred)
            return lambda item: not equal(item)
        self.take("punct", "(")
        values = [self.typed(prop, self.literal(), "In")]
        while self.at(","):
            self.i += 1
            values.append(self.typed(prop, self.literal(), "In"))
        self.take("punct", ")")
        wanted = {t.lower(value) for value in values}
        return lambda item: t.lower(item.get(prop)) in wanted

    def function(self, name: str) -> Keep:
        self.take("punct", "(")
        prop = self.resolve(self.take("name"))
        self.take("punct", ",")
        literal = self.literal()
        self.take("punct", ")")
        allowed = t.STARTS_WITH if name == "startswith" else t.ENDS_WITH
        if self.scope is not None or prop not in allowed:
            raise t.unsupported(prop)
        if type(literal) is not str:
            raise invalid(f"No function signature for the function with name '{name}' matches.")
        if name == "endswith":
            self.needs_advanced(prop)
        low = literal.lower()
        test = str.startswith if name == "startswith" else str.endswith

        def keep(item: dict) -> bool:
            return type(v := item.get(prop)) is str and test(v.lower(), low)

        if name == "startswith":  # a filter of this alone is answered from an index (PageCache)
            keep.prefix = (prop, low)
        return keep

    def any(self, name: str) -> Keep:
        collection, _, operator = name.rpartition("/")
        prop = self.resolve(collection)
        if prop != "assignedPlans" or operator.lower() != "any":
            raise t.unsupported(prop)
        self.needs_advanced(prop)
        self.take("punct", "(")
        self.scope = self.take("name")
        self.take("punct", ":")
        inner = self.disjunction()
        self.take("punct", ")")
        self.scope = None
        return t.any_of(prop, inner)
