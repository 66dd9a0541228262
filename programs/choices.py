"""Choices of the programs app: plan target kinds (and which recognitions achieve them), OCOP groups and star bands."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from criteria.choices import StandardLevel, SubjectKind


class TargetKind(models.TextChoices):
    """What a yearly plan promises to achieve, counted in units recognised during the year."""

    NEW_NTM_COMMUNES = "ntm_communes", _("New NTM communes")
    ADVANCED_COMMUNES = "advanced_communes", _("Advanced NTM communes")
    MODEL_COMMUNES = "model_communes", _("Model NTM communes")
    MODEL_HAMLETS = "model_hamlets", _("Model hamlets")
    DISTRICTS = "districts", _("Districts completing the task")


# Which recognitions (register.Recognition: subject kind, level) achieve a target of each kind. The only
# place that links the two: achieved counts come from the recognition register, never typed in.
TARGET_RECOGNITION = {
    TargetKind.NEW_NTM_COMMUNES: (SubjectKind.COMMUNE, StandardLevel.BASIC),
    TargetKind.ADVANCED_COMMUNES: (SubjectKind.COMMUNE, StandardLevel.ADVANCED),
    TargetKind.MODEL_COMMUNES: (SubjectKind.COMMUNE, StandardLevel.MODEL),
    TargetKind.MODEL_HAMLETS: (SubjectKind.HAMLET, StandardLevel.MODEL),
    TargetKind.DISTRICTS: (SubjectKind.DISTRICT, StandardLevel.BASIC),
}


def target_subject(kind: str) -> str:
    return TARGET_RECOGNITION[TargetKind(kind)][0]


def target_level(kind: str) -> str:
    return TARGET_RECOGNITION[TargetKind(kind)][1]


class OcopGroup(models.TextChoices):
    """The six OCOP product groups (Decision 148/QĐ-TTg, 2023)."""

    FOOD = "food", _("Food")
    BEVERAGES = "beverages", _("Beverages")
    HERBS = "herbs", _("Medicinal herbs and herbal products")
    HANDICRAFTS = "handicrafts", _("Handicrafts")
    ORNAMENTALS = "ornamentals", _("Ornamental plants and animals")
    TOURISM = "tourism", _("Community and eco-tourism services and sites")


# OCOP stars from the 100-point score (Decision 1048/2019, same bands under 148/2023): (lowest score, stars),
# from the highest band down. The one definition used by Python and by the SQL annotation.
OCOP_STAR_BANDS: list[tuple[int, int]] = [(90, 5), (70, 4), (50, 3), (30, 2), (0, 1)]
OCOP_MAX_SCORE = 100
# A certificate is valid this many months from its decision unless the decision says otherwise.
OCOP_VALIDITY_MONTHS = 36


def stars_for_score(score: int | None) -> int | None:
    if score is None:
        return None
    for lowest, stars in OCOP_STAR_BANDS:
        if score >= lowest:
            return stars
    return None


def star_band_label(stars: int) -> str:
    """ "90–100", "70–89"… for the band of `stars`."""
    bounds = [lowest for lowest, _s in OCOP_STAR_BANDS]
    for i, (lowest, s) in enumerate(OCOP_STAR_BANDS):
        if s == stars:
            top = OCOP_MAX_SCORE if i == 0 else bounds[i - 1] - 1
            return f"{lowest}–{top}"
    return ""


STAR_CHOICES = [(stars, "★" * stars) for _lowest, stars in OCOP_STAR_BANDS]
