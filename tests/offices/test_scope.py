import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from communes.models import Commune
from offices import scope
from offices.choices import Role

pytestmark = pytest.mark.django_db


def codes(qs):
    return sorted(qs.values_list("code", flat=True))


def test_province_office_covers_every_commune_of_the_province(world):
    assert codes(scope.communes(world.users.province)) == codes(Commune.objects.all())


def test_district_office_covers_only_its_district(world):
    assert codes(scope.communes(world.users.district)) == sorted(c.code for c in world.pb)


def test_commune_officer_covers_only_own_commune(world):
    assert codes(scope.communes(world.users.commune)) == [world.pb[0].code]


def test_user_without_membership_sees_nothing(world):
    assert not scope.communes(world.users.outsider).exists()
    assert scope.scope_for(world.users.outsider).is_empty


def test_superuser_sees_everything(world):
    assert scope.communes(world.users.admin).count() == len(world.communes)


def test_roles_filter_narrows_the_scope(world):
    assert not scope.communes(world.users.viewer, roles=[Role.EDITOR]).exists()
    assert scope.communes(world.users.viewer).count() == len(world.communes)


def test_get_in_scope_is_404_outside(world):
    other = world.dt[0]
    with pytest.raises(Http404):
        scope.get_in_scope_or_404(Commune.objects.all(), world.users.district, commune_path="", pk=other.pk)
    own = world.pb[1]
    assert scope.get_in_scope_or_404(Commune.objects.all(), world.users.district, commune_path="", pk=own.pk) == own


@pytest.mark.parametrize(
    ("username", "expected"),
    [
        ("province", True),
        ("district", True),
        ("commune", False),
        ("viewer", False),
        ("front", False),
        ("verifier", False),
    ],
)
def test_change_right_on_a_phu_binh_commune(world, username, expected):
    assert scope.can_change_commune(getattr(world.users, username), world.pb[1]) is expected


def test_require_change_distinguishes_outside_and_read_only(world):
    with pytest.raises(Http404):
        scope.require_change_commune(world.users.commune, world.pb[1])
    with pytest.raises(PermissionDenied):
        scope.require_change_commune(world.users.viewer, world.pb[1])
    scope.require_change_commune(world.users.commune, world.pb[0])


def test_scope_is_one_query_per_request(world, django_assert_num_queries):
    user = world.users.district
    scope.clear_cache(user)
    with django_assert_num_queries(1):
        scope.scope_for(user)
        scope.scope_for(user)


def test_district_path_scope(world):
    from communes.models import District

    assert list(scope.districts(world.users.district)) == [world.phu_binh]
    assert not scope.districts(world.users.commune).exists()
    assert District.objects.filter(scope.scope_for(world.users.province).district_q()).count() == 2
