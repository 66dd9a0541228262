from django.db import models
from django.utils.translation import gettext_lazy as _


class ProvinceType(models.TextChoices):
    PROVINCE = "tinh", _("Province")
    CITY = "thanh_pho_tw", _("Centrally-run city")


class DistrictType(models.TextChoices):
    DISTRICT = "huyen", _("Rural district (huyện)")
    TOWN = "thi_xa", _("Town (thị xã)")
    CITY = "thanh_pho", _("Provincial city")
    URBAN_DISTRICT = "quan", _("Urban district (quận)")


class CommuneType(models.TextChoices):
    """Only xã are subjects of the new-rural programme; wards and townships are listed for completeness."""

    COMMUNE = "xa", _("Commune (xã)")
    WARD = "phuong", _("Ward (phường)")
    TOWNSHIP = "thi_tran", _("Township (thị trấn)")
    SPECIAL_ZONE = "dac_khu", _("Special zone (đặc khu)")


class HamletType(models.TextChoices):
    THON = "thon", _("Thôn")
    XOM = "xom", _("Xóm")
    BAN = "ban", _("Bản")
    AP = "ap", _("Ấp")
    TO_DAN_PHO = "to_dan_pho", _("Residential group (tổ dân phố)")


class CommuneGroup(models.IntegerChoices):
    """2026–2030 criteria targets differ by commune group (Decision 51/2025/QĐ-TTg)."""

    GROUP_1 = 1, _("Group 1")
    GROUP_2 = 2, _("Group 2")
    GROUP_3 = 3, _("Group 3")


class UnitLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    DISTRICT = "district", _("District")
    COMMUNE = "commune", _("Commune")


class SuccessionShare(models.TextChoices):
    """How much of an old unit went into a new one: "toàn bộ" (whole) or "một phần" / "phần còn lại" (part)."""

    WHOLE = "whole", _("Whole unit")
    PART = "part", _("Part of the unit")


class SuccessionKind(models.TextChoices):
    """What a resolution's clause does to the unit it names."""

    NEW = "new", _("New unit formed from its predecessors")
    RENAMED = "renamed", _("Renamed")
    ABSORBS = "absorbs", _("Enlarged: the unit continues and absorbs others")
    UNCHANGED = "unchanged", _("Left as it was")
