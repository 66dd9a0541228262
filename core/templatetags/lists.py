"""Template helpers of the generic list (core.lists): sort links, the filter bar's state."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def sort_query(context, bound_column) -> str:
    """The query string that sorts by this column (or reverses it), keeping the filters and starting at page 1."""
    query = context["request"].GET.copy()
    query["sort"] = str(bound_column.order_by_alias.next)
    query.pop("page", None)
    return query.urlencode()


@register.simple_tag(takes_context=True)
def kept_params(context, *names) -> list[tuple[str, str]]:
    """(name, value) of the query parameters a filter form must carry along (the sort order, a queue's role)."""
    query = context["request"].GET
    return [(name, value) for name in names for value in query.getlist(name) if value]


@register.filter
def active_filters(form) -> int:
    """How many fields of a bound filter form hold a value: shown on the folded filter bar of a phone."""
    if form is None or not form.is_bound:
        return 0
    return sum(1 for name in form.fields if form.data.get(name) not in (None, ""))


@register.simple_tag(takes_context=True)
def clear_query(context, *names) -> str:
    """The query string of "Clear": no filter, only the parameters that choose the list itself (a queue's role)."""
    from django.http import QueryDict

    query = QueryDict(mutable=True)
    for name, value in kept_params(context, *names):
        query.appendlist(name, value)
    return query.urlencode()


@register.simple_tag(takes_context=True)
def export_query(context, file_format: str) -> str:
    """The current query string (filters, sort) asking for the download in this format."""
    query = context["request"].GET.copy()
    query[context.get("export_param") or "export"] = file_format
    query.pop("page", None)
    return query.urlencode()
