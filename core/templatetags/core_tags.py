from django import template
from django.conf import settings

from core import access, formatting

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
def percent(numerator, denominator, decimals=1):
    return formatting.percent(numerator, denominator, decimals)


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
