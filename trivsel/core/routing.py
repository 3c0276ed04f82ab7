"""Routing: every `<int:...>` in a URL is a number a database id can be."""

from werkzeug.routing import IntegerConverter


class RowIdConverter(IntegerConverter):
    """`<int:...>` in every route: a number no larger than a database id can be, so an absurd
    one is a 404, not an overflow in the database driver. ASCII digits only: werkzeug's
    `\\d+` also matches other scripts' digits ("/courses/١" would be course 1)."""

    regex = r"[0-9]+"

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)
