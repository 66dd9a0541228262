import factory
from django.contrib.auth import get_user_model

from offices.choices import OfficeKind, Role
from offices.models import Membership, Office
from tests.communes.factories import ProvinceFactory


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("pw")


class OfficeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Office

    name = factory.Sequence(lambda n: f"Văn phòng {n}")
    kind = OfficeKind.COORDINATION
    province = factory.SubFactory(ProvinceFactory)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    office = factory.SubFactory(OfficeFactory)
    role = Role.EDITOR
