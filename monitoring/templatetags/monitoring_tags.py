"""Snippets other apps' pages include for a dossier: `{% load monitoring_tags %}{% dossier_findings dossier %}`,
`{% dossier_critiques dossier %}`, `{% comment_summary dossier %}`, `{% satisfaction_rate dossier %}`.
The page must already have checked that the user sees the dossier. One query each."""

from decimal import Decimal

from django import template
from django.conf import settings

from monitoring import selectors

register = template.Library()


@register.inclusion_tag("monitoring/_dossier_findings.html")
def dossier_findings(dossier):
    return {"dossier": dossier, "findings": list(selectors.open_findings_for_dossier(dossier=dossier))}


@register.inclusion_tag("monitoring/_dossier_critiques.html")
def dossier_critiques(dossier):
    return {"dossier": dossier, "critiques": list(selectors.critiques_for_dossier(dossier=dossier))}


@register.inclusion_tag("monitoring/_comment_summary.html")
def comment_summary(dossier):
    return {"dossier": dossier, "summary": selectors.public_comment_summary(dossier=dossier)}


@register.inclusion_tag("monitoring/_rate.html")
def satisfaction_rate(dossier):
    return {
        "rate": selectors.dossier_satisfaction_rate(dossier=dossier),
        "threshold": Decimal(str(settings.NTM_SATISFACTION_THRESHOLD)),
    }
