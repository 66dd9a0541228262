"""Keeping standings (register.standings) in step with single-row writes, and building them once after migrate.

Signals are the one place every save passes — the admin, the workflow's services, data entry, fixtures — so the
derived table cannot be forgotten by a new write path. Bulk writes call `communes_changed` / `units_changed` through
the lower apps' registries instead.
"""

from collections.abc import Iterable

from core import cache
from criteria.choices import SubjectKind

from . import standings


def communes_changed(commune_ids: Iterable[int]) -> None:
    standings.standings_refresh(commune_ids=commune_ids)


def units_changed(commune_ids: Iterable[int] | None) -> None:
    standings.standings_refresh(commune_ids=commune_ids)


def recognition_saved(sender, instance, **kwargs) -> None:
    if instance.subject_kind == SubjectKind.COMMUNE and instance.commune_id:
        standings.standings_refresh(commune_ids=[instance.commune_id])
    else:  # a hamlet's or a district's: counted live, from the register; only the cached figures move on
        province = instance.district.province_id if instance.district_id else instance.hamlet.commune.province_id
        cache.bump(f"province:{province}")


def assessment_saved(sender, instance, **kwargs) -> None:
    standings.standings_refresh(commune_ids=[instance.commune_id])


def commune_saved(sender, instance, raw=False, **kwargs) -> None:
    if not raw:
        standings.standings_refresh(commune_ids=[instance.pk])


def build_missing_standings(sender, using="default", **kwargs) -> None:
    """A database that has records but no standings yet (one migrated from before they existed) gets them."""
    from criteria.models import Assessment

    from .models import Recognition, Standing

    if not Standing.objects.using(using).exists() and (
        Recognition.objects.using(using).exists() or Assessment.objects.using(using).exists()
    ):
        standings.standings_rebuild()
