"""Choices of the funding app. Capital sources themselves are data (CapitalSource rows loaded by a migration)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SourceGroup(models.TextChoices):
    """How sources are grouped in reports: state budgets, integrated capital, credit, mobilised from society."""

    BUDGET = "budget", _("State budget")
    INTEGRATED = "integrated", _("Integrated capital")
    CREDIT = "credit", _("Credit")
    MOBILISED = "mobilised", _("Enterprises, community and other")


class Component(models.TextChoices):
    """Content of the programme a plan line finances (2021–2025 programme components, grouped)."""

    PLANNING = "planning", _("Planning")
    INFRASTRUCTURE = "infrastructure", _("Socio-economic infrastructure")
    PRODUCTION = "production", _("Production, value chains and OCOP")
    LIVELIHOOD = "livelihood", _("Livelihoods, poverty reduction and vocational training")
    EDUCATION_HEALTH_CULTURE = "social", _("Education, health and culture")
    ENVIRONMENT = "environment", _("Environment, clean water and landscape")
    DIGITAL = "digital", _("Digital transformation and smart NTM")
    GOVERNANCE = "governance", _("Public administration, law access and security")
    CAPACITY = "capacity", _("Capacity building, communication and monitoring")
    OTHER = "other", _("Other")


class UnitLevel(models.TextChoices):
    """The unit a plan line belongs to (in files: the `unit_level` column)."""

    PROVINCE = "province", _("Province")
    DISTRICT = "district", _("District")
    COMMUNE = "commune", _("Commune")
