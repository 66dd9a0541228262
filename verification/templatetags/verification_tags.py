"""`{% dossier_panels dossier %}`: the cards other apps add to the dossier page (verification.registry)."""

from django import template
from django.template.loader import render_to_string
from django.utils.html import format_html_join

from verification.registry import dossier_panels

register = template.Library()


@register.simple_tag(name="dossier_panels")
def render_dossier_panels(dossier):
    return format_html_join(
        "\n", "{}", ((render_to_string(panel.template, panel.context(dossier)),) for panel in dossier_panels)
    )
