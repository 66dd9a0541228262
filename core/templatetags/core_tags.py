from django import template
from django.conf import settings
from django.utils.translation import pgettext_lazy

from core import access, formatting, people

register = template.Library()


@register.simple_tag(takes_context=True)
def query_replace(context, **kwargs):
    """Current query string with some parameters replaced (keeps filters when paging or sorting)."""
    query = context["request"].GET.copy()
    for key, value in kwargs.items():
        query[key] = value
    return query.urlencode()


@register.filter
def money(amount, unit="auto"):
    return formatting.money(amount, unit)


@register.filter
def num(value, decimals=0):
    return formatting.number(value, int(decimals))


@register.simple_tag
def percent(numerator, denominator, kind=""):
    """{% percent part whole %} ("93,7%"); {% percent part whole "published" %} for a figure published with two
    decimals (core.formatting's rule)."""
    return formatting.percent(numerator, denominator, published=kind == "published")


@register.filter
def pct(value, kind=""):
    """{{ rate|pct }} for a value already in per cent; {{ rate|pct:"published" }} with two decimals."""
    return formatting.share(value, published=kind == "published")


@register.filter
def full_name(user):
    """A person's name in Vietnamese order (core.people.full_name)."""
    return people.full_name(user)


# django-simple-history ships no Vietnamese: its "Created"/"Changed"/"Deleted" are said here, in the project's words.
HISTORY_ACTIONS = {
    "+": pgettext_lazy("history of a record", "Created"),
    "~": pgettext_lazy("history of a record", "Changed"),
    "-": pgettext_lazy("history of a record", "Deleted"),
}


@register.filter
def history_action(record):
    """What a history row did (created, changed, deleted), translated by the project's catalogue."""
    return HISTORY_ACTIONS.get(record.history_type, record.history_type)


@register.filter
def bs(field, size=""):
    """Render a form field with the Bootstrap class that fits its widget (form-select, form-check-input…)."""
    widget = field.field.widget
    input_type = getattr(widget, "input_type", None)
    if input_type == "select" or widget.__class__.__name__.endswith("Select"):
        css = "form-select"
    elif input_type in ("checkbox", "radio"):
        css = "form-check-input"
    else:
        css = "form-control"
    if size and css != "form-check-input":
        css += f" {css}-{size}"
    if field.errors:
        css += " is-invalid"
    existing = widget.attrs.get("class", "")
    return field.as_widget(attrs={"class": f"{existing} {css}".strip()})


@register.simple_tag
def max_upload_mb():
    """NTM_MAX_UPLOAD_MB, for the pages' own check before a file is sent."""
    return settings.NTM_MAX_UPLOAD_MB


@register.simple_tag(takes_context=True)
def can_open(context: template.Context, url_name: str) -> bool:
    """`{% can_open "app:page" as allowed %}`: whether the signed-in user may open the page (core.access), so a
    link, tab or button to it is shown only to those it will not refuse."""
    request = context.get("request")
    return request is not None and access.can_open(request.user, url_name)
