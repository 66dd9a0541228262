import factory

from communes.models import Commune, District, Hamlet, Province, Region


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ["code"]

    code = "TDMNPB"
    name = "Trung du và miền núi phía Bắc"


class ProvinceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Province

    code = factory.Sequence(lambda n: str(90 + n))
    name = factory.Sequence(lambda n: f"Tỉnh Thử {n}")
    region = factory.SubFactory(RegionFactory)
    has_district_tier = True


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District

    code = factory.Sequence(lambda n: str(900 + n))
    name = factory.Sequence(lambda n: f"Huyện Thử {n}")
    province = factory.SubFactory(ProvinceFactory)


class CommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commune

    code = factory.Sequence(lambda n: str(90000 + n))
    name = factory.Sequence(lambda n: f"Xã Thử {n}")
    district = factory.SubFactory(DistrictFactory)
    province = factory.LazyAttribute(lambda o: o.district.province)


class HamletFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Hamlet

    commune = factory.SubFactory(CommuneFactory)
    code = factory.Sequence(lambda n: f"H{n:06d}")
    name = factory.Sequence(lambda n: f"Xóm {n}")
