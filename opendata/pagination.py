"""Keyset ("cursor") pages over every key of an ordering, so the API walks the parks in the page's order.

DRF's CursorPagination keeps only the first ordering key in its cursor and skips ties with an offset it
caps at 1000: with `?ordering=province` and a province of more than 1000 parks it would repeat or skip
parks. Here the cursor holds the whole position (every key's value, the park's name and pk last, so it
is unique) and the next page is the rows strictly after it, whatever the number of ties.
"""

import base64
import binascii
import json
from dataclasses import dataclass
from decimal import Decimal
from functools import reduce
from operator import or_

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework.utils.urls import remove_query_param, replace_query_param

from opendata.problems import BadParameter

NOT_THIS_ORDERING = gettext_lazy("The cursor parameter does not fit this ordering: start again without it.")


@dataclass(frozen=True)
class SortKey:
    alias: str  # the name of the annotation (or field) the queryset is ordered by
    descending: bool
    field: object  # the model field that turns a cursor's JSON value back into a database value

    @property
    def order_by(self):
        return f"-{self.alias}" if self.descending else self.alias

    def after(self, value, backwards=False):
        # Rows beyond `value` in reading order (before it when paging backwards).
        return Q(**{f"{self.alias}__{'lt' if self.descending != backwards else 'gt'}": value})


def position_filter(keys, position, backwards=False):
    """Rows after `position` in the keys' lexicographic order: k1 > v1, or k1 = v1 and k2 > v2, and so on."""
    alternatives = []
    for index, key in enumerate(keys):
        equal = Q(**{earlier.alias: value for earlier, value in zip(keys[:index], position)})
        alternatives.append(equal & key.after(position[index], backwards))
    return reduce(or_, alternatives)


def encode_cursor(direction, position):
    values = [str(value) if isinstance(value, Decimal) else value for value in position]
    text = json.dumps({direction: values}, separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(cursor, keys):
    """(backwards, position) from a cursor; a 400 problem for anything this site did not write."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        body = json.loads(base64.urlsafe_b64decode(padded.encode()).decode())
        ((direction, values),) = body.items()
    except (ValueError, TypeError, AttributeError, UnicodeError, binascii.Error):
        raise BadParameter(
            _("The cursor parameter was not understood: use the next and previous links as given.")
        ) from None
    if direction not in ("after", "before") or not isinstance(values, list) or len(values) != len(keys):
        raise BadParameter(NOT_THIS_ORDERING)
    try:
        # clean() validates too: a number beyond the column's range would be a database error, not a 400.
        position = [key.field.clean(value, None) for key, value in zip(keys, values)]
    except (ValidationError, TypeError):
        raise BadParameter(NOT_THIS_ORDERING) from None
    # No value this site writes holds a NUL, and PostgreSQL refuses one in a query (a database error).
    if any(value is None or (isinstance(value, str) and "\x00" in value) for value in position):
        raise BadParameter(NOT_THIS_ORDERING)
    return direction == "before", position


def page_size(request, default, maximum):
    # Larger requests get the largest page, and unusable ones the default, silently (as DRF's), never an error.
    try:
        size = int(request.GET.get("page_size", ""))
    except ValueError:
        return default
    return min(size, maximum) if size > 0 else default


class KeysetPage:
    """One page of `rows` (ordered by `keys`) from the request's cursor, with its next and previous links."""

    def __init__(self, request, rows, keys, size):
        self.request, self.keys = request, keys
        cursor = request.GET.get("cursor")
        backwards, position = decode_cursor(cursor, keys) if cursor else (False, None)
        if backwards:
            rows = rows.order_by(*(SortKey(key.alias, not key.descending, key.field).order_by for key in keys))
        else:
            rows = rows.order_by(*(key.order_by for key in keys))
        if position is not None:
            rows = rows.filter(position_filter(keys, position, backwards))
        fetched = list(rows[: size + 1])
        more = len(fetched) > size
        self.rows = fetched[:size]
        if backwards:
            self.rows.reverse()
        # Going forwards, a cursor means there is a page before; going backwards, there is one after.
        self.has_next = more if not backwards else True
        self.has_previous = bool(cursor) if not backwards else more

    def link(self, direction, row):
        url = self.request.build_absolute_uri()
        if row is None:
            return remove_query_param(url, "cursor")
        return replace_query_param(url, "cursor", encode_cursor(direction, [row[key.alias] for key in self.keys]))

    @property
    def next_link(self):
        return self.link("after", self.rows[-1]) if self.has_next and self.rows else None

    @property
    def previous_link(self):
        if not self.has_previous:
            return None
        # Back from an empty page (a cursor past the end): the first page again.
        return self.link("before", self.rows[0] if self.rows else None)
