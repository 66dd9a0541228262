"""Reads of the register: the list, one entry, and THE counts of recognised units. Everything through the
Recognition's declared unit path (core.scope)."""

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import BooleanField, Case, Count, Exists, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.http import HttpRequest

from core.scope import get_visible_or_404
from criteria.choices import StandardLevel, SubjectKind

from .filters import RecognitionFilterSet
from .models import Recognition, RecognitionQuerySet


def recognition_list(
    *,
    user: User | AnonymousUser,
    filters: Mapping[str, Any] | None = None,
    request: HttpRequest | None = None,
    as_of: date | None = None,
) -> tuple[QuerySet[Recognition], RecognitionFilterSet]:
    """The register in the user's area, filtered: THE source of the register page and report. With `as_of`, the
    register as it stood that day: decisions taken by then, each `revoked_by_then` or in force; without, every
    decision as it stands now."""
    qs = Recognition.objects.visible_to(user)
    if as_of is None:
        revoked = Q(revoked_on__isnull=False)
    else:
        qs, revoked = qs.filter(decision_date__lte=as_of), Q(revoked_on__lte=as_of)
    qs = (
        qs.select_related(
            "commune", "commune__district", "hamlet", "hamlet__commune", "hamlet__commune__district", "district"
        )
        .annotate(
            unit_province_id=Coalesce("district__province_id", "commune__province_id", "hamlet__commune__province_id"),
            revoked_by_then=Case(When(revoked, then=Value(True)), default=Value(False), output_field=BooleanField()),
        )
        .order_by("-decision_date", "level", "id")
    )
    filterset = RecognitionFilterSet(filters or {}, queryset=qs, request=request)
    return filterset.qs, filterset


def access_recognition_by_id(*, user: User | AnonymousUser, pk: int) -> Recognition:
    return get_visible_or_404(
        Recognition.objects.select_related(
            "commune", "commune__province", "hamlet", "hamlet__commune", "district", "district__province"
        ),
        user,
        pk=pk,
    )


def recognised_counts(
    *,
    user: User | AnonymousUser | None,
    as_of: date,
    subject_kind: str = SubjectKind.COMMUNE,
    qs: RecognitionQuerySet | None = None,
) -> dict[str, int]:
    """Units recognised and not revoked on `as_of`, per level: THE source of "recognised" figures in the app.

    A unit counts once per level (several decisions for the same unit and level are not double-counted).
    One query.
    """
    unit_field = {SubjectKind.COMMUNE: "commune", SubjectKind.HAMLET: "hamlet", SubjectKind.DISTRICT: "district"}[
        subject_kind  # type: ignore[index]  # a SubjectKind value
    ]
    base = qs if qs is not None else Recognition.objects.visible_to(user)
    rows = (
        base.in_force_on(as_of)
        .filter(subject_kind=subject_kind)
        .values("level")
        .annotate(n=Count(unit_field, distinct=True))
        .order_by()
    )
    counts = dict.fromkeys(StandardLevel.values, 0)
    for row in rows:
        counts[row["level"]] = row["n"]
    return counts


def recognised_at_set_level(*, commune_ref: str, level_ref: str) -> Exists:
    """Whether the outer commune holds a recognition, never revoked, at the outer level (criteria's risk list)."""
    return Exists(
        Recognition.objects.filter(commune=OuterRef(commune_ref), level=OuterRef(level_ref), revoked_on__isnull=True)
    )
