import pytest
from django.urls import reverse

from criteria.loader import load_criteria
from criteria.models import Assessment, CriteriaSet, Indicator, IndicatorTarget

from .conftest import assess

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "model",
    ["criteriaset", "criterion", "indicator", "indicatortarget", "criteriongroup", "assessment", "indicatorvalue"],
)
def test_admin_changelists_render_with_filters(client, world, model):
    load_criteria()
    client.force_login(world.users.admin)
    url = reverse(f"admin:criteria_{model}_changelist")
    assert client.get(url).status_code == 200
    assert client.get(url, {"q": "17"}).status_code == 200


def test_targets_filter_by_set_level_and_region(client, world):
    load_criteria()
    client.force_login(world.users.admin)
    basic = CriteriaSet.objects.get(code="XA-NTM-2021")
    url = reverse("admin:criteria_indicatortarget_changelist")
    response = client.get(
        url, {"indicator__criterion__criteria_set__id__exact": basic.pk, "region__id__exact": world.region.pk}
    )
    shown = list(response.context["cl"].queryset)
    assert shown and all(
        t.region_id == world.region.pk and t.indicator.criterion.criteria_set_id == basic.pk for t in shown
    )
    response = client.get(url, {"indicator__criterion__criteria_set__level__exact": "advanced"})
    assert all(t.indicator.criterion.criteria_set.level == "advanced" for t in response.context["cl"].queryset)
    target = IndicatorTarget.objects.filter(is_provisional=True).first()
    assert client.get(reverse("admin:criteria_indicatortarget_change", args=[target.pk])).status_code == 200
    indicator = Indicator.objects.first()
    assert client.get(reverse("admin:criteria_indicator_change", args=[indicator.pk])).status_code == 200


def test_assessment_admin_is_scoped(client, world):
    load_criteria()
    basic = CriteriaSet.objects.get(code="XA-NTM-2021")
    inside = assess(world.pb[0], basic, {})
    outside = assess(world.dt[0], basic, {})
    world.users.district.is_staff = True
    world.users.district.is_superuser = False
    world.users.district.save()
    from django.contrib.auth.models import Permission

    world.users.district.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_assessment", "change_assessment"])
    )
    client.force_login(world.users.district)
    response = client.get(reverse("admin:criteria_assessment_changelist"))
    assert list(response.context["cl"].queryset) == [inside]
    assert client.get(reverse("admin:criteria_assessment_change", args=[outside.pk])).status_code == 302
    assert Assessment.objects.count() == 2
