from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from criteria import services
from criteria.models import Assessment, CriterionResult, IndicatorValue

from .conftest import assess

pytestmark = pytest.mark.django_db


def test_saving_values_evaluates_and_stores_results(world, small_set):
    a = assess(world.pb[0], small_set, {"1.1": Decimal(90), "2.1": Decimal(70)}, actor=world.users.commune)
    assert (a.criteria_met, a.criteria_total, a.key_criteria_unmet, a.is_all_met) == (1, 3, 1, False)
    assert a.level_reached == ""
    results = {r.criterion.number: r for r in CriterionResult.objects.filter(assessment=a).select_related("criterion")}
    assert results[1].is_met and not results[2].is_met and not results[3].is_met
    assert "2.1" in results[2].reasons and "3.1" in results[3].reasons
    assert IndicatorValue.objects.get(assessment=a, indicator__code="1.1").is_met

    a = assess(world.pb[0], small_set, {"2.1": Decimal(80), "3.1": Decimal("80.5")}, actor=world.users.commune)
    assert (a.criteria_met, a.is_all_met, a.level_reached) == (3, True, "basic")
    value = IndicatorValue.objects.get(assessment=a, indicator__code="2.1")
    assert value.history.count() == 2
    assert value.history.first().history_user == world.users.commune


def test_evidence_and_note_are_kept(world, small_set, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    a = services.assessment_get_or_create(commune=world.pb[0], year=2023, criteria_set=small_set)
    indicator = small_set.criteria.get(number=1).indicators.get()
    upload = SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    services.assessment_values_save(
        assessment=a,
        entries={indicator.pk: services.ValueEntry(value=Decimal(85), note="Theo biên bản 12/2023", evidence=upload)},
        actor=world.users.district,
    )
    v = IndicatorValue.objects.get(assessment=a, indicator=indicator)
    assert v.note == "Theo biên bản 12/2023"
    assert v.evidence.name.startswith("criteria/evidence/2023/05797/")


def test_read_only_and_out_of_scope_users_cannot_save(world, small_set):
    a = services.assessment_get_or_create(commune=world.dt[0], year=2023, criteria_set=small_set)
    indicator = small_set.criteria.get(number=1).indicators.get()
    for user in (world.users.viewer, world.users.district, world.users.commune, world.users.verifier):
        with pytest.raises(PermissionDenied):
            services.assessment_values_save(
                assessment=a, entries={indicator.pk: services.ValueEntry(value=Decimal(90))}, actor=user
            )
    assert not IndicatorValue.objects.filter(assessment=a).exists()


def test_locked_assessment_refuses_changes_until_unlocked(world, small_set):
    a = assess(world.pb[0], small_set, {"1.1": Decimal(90)}, actor=world.users.commune)
    indicator = small_set.criteria.get(number=1).indicators.get()
    services.assessment_lock(assessment=a, actor=world.users.verifier, reason="Hồ sơ công nhận 2023")
    a.refresh_from_db()
    assert a.is_locked and a.locked_by == world.users.verifier and a.lock_reason == "Hồ sơ công nhận 2023"
    # Locking again keeps the first lock (the workflow may call it twice).
    services.assessment_lock(assessment=a, actor=world.users.district, reason="again")
    a.refresh_from_db()
    assert a.locked_by == world.users.verifier
    with pytest.raises(ValidationError, match="locked"):
        services.assessment_values_save(
            assessment=a, entries={indicator.pk: services.ValueEntry(value=Decimal(10))}, actor=world.users.commune
        )
    assert IndicatorValue.objects.get(assessment=a, indicator=indicator).value_number == 90
    with pytest.raises(ValidationError):
        services.assessment_unlock(assessment=a, actor=world.users.district, reason=" ")
    # The commune cannot unlock its own data, nor can the Front or an office elsewhere.
    for user in (world.users.commune, world.users.front, world.users.outsider):
        with pytest.raises(PermissionDenied):
            services.assessment_unlock(assessment=a, actor=user, reason="Sửa số liệu")
        assert Assessment.objects.get(pk=a.pk).is_locked
    services.assessment_unlock(assessment=a, actor=world.users.district, reason="Sửa số liệu 17.1")
    a.refresh_from_db()
    assert not a.is_locked
    reasons = list(a.history.values_list("history_change_reason", flat=True))
    assert any("Sửa số liệu 17.1" in (r or "") for r in reasons)
    assert any("Hồ sơ công nhận 2023" in (r or "") for r in reasons)
    services.assessment_values_save(
        assessment=a, entries={indicator.pk: services.ValueEntry(value=Decimal(10))}, actor=world.users.commune
    )
    assert Assessment.objects.get(pk=a.pk).criteria_met == 0


def test_lock_needs_a_reason(world, small_set):
    a = services.assessment_get_or_create(commune=world.pb[0], year=2023, criteria_set=small_set)
    with pytest.raises(ValidationError):
        services.assessment_lock(assessment=a, actor=world.users.district, reason="")
    a.refresh_from_db()
    assert not a.is_locked


def test_assessment_year_must_be_in_the_set_period(world, small_set):
    with pytest.raises(ValidationError):
        services.assessment_get_or_create(commune=world.pb[0], year=2027, criteria_set=small_set)
    assert not Assessment.objects.exists()
