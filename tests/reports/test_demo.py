"""The demo dashboard shows the published Thái Nguyên figures, computed from the demo records, and its query count
stays the same with ten times as many communes."""

import datetime
import re

import pytest
from django.conf import settings
from django.urls import reverse

from communes.choices import CommuneType
from communes.models import Commune, District
from criteria.choices import StandardLevel, SubjectKind
from verification.models import Recognition

from .demo_units import load_demo

pytestmark = pytest.mark.django_db


def stat(html, name):
    return re.search(rf'id="stat-{name}">([^<]*)<', html).group(1).strip()


def dashboard(client, username, lang="vi", **params):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username=username))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    return client.get(reverse("reports:dashboard"), params).content.decode()


def tenfold(province):
    """Nine more communes per demo xã, in new districts, a third of them recognised (bulk, for speed)."""
    existing = Commune.objects.filter(province=province, unit_type=CommuneType.COMMUNE).count()
    districts = District.objects.bulk_create(
        District(code=f"9{i:02d}", name=f"Huyện Thử {i}", search_name=f"huyen thu {i}", province=province)
        for i in range(9)
    )
    communes = Commune.objects.bulk_create(
        Commune(
            code=f"9{i:05d}",
            name=f"Xã Thử {i}",
            search_name=f"xa thu {i}",
            province=province,
            district=districts[i % 9],
        )
        for i in range(existing * 9)
    )
    Recognition.objects.bulk_create(
        Recognition(
            subject_kind=SubjectKind.COMMUNE,
            commune=c,
            level=StandardLevel.BASIC,
            year=2020,
            decision_number=f"{i}/QĐ-UBND",
            decision_date=datetime.date(2020, 12, 1),
        )
        for i, c in enumerate(communes)
        if i % 3 == 0
    )
    return len(communes)


def test_demo_dashboard_shows_the_published_figures(client, django_assert_max_num_queries):
    load_demo()
    html = dashboard(client, "province", year=2023)
    assert stat(html, "ntm") == "118/126" and stat(html, "ntm-percent") == "93,7%"
    assert stat(html, "advanced") == "33" and stat(html, "model") == "10" and stat(html, "hamlets") == "104"
    assert stat(html, "districts") == "6/9" and stat(html, "districts-percent") == "66,67%"
    en = dashboard(client, "viewer", "en", year=2023)
    assert stat(en, "ntm-percent") == "93.7%" and stat(en, "districts-percent") == "66.67%"
    # The end of 2022: Phú Bình (May 2023) and Định Hóa (Dec 2023) not yet recognised.
    assert stat(dashboard(client, "province", year=2022), "districts") == "4/9"
    # The demo district officer sees Phú Bình by commune; the commune officer sees Tân Khánh, not yet NTM.
    district = dashboard(client, "district", year=2023)
    assert stat(district, "districts") == "1/1"
    assert stat(dashboard(client, "commune", year=2023), "ntm") == "0/1"

    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="province"))
    with django_assert_max_num_queries(20) as demo_queries:
        client.get(reverse("reports:dashboard"), {"year": 2023})
    from communes.models import Province

    added = tenfold(Province.objects.get(code="19"))
    assert added == 9 * 126
    with django_assert_max_num_queries(20) as big_queries:
        html = client.get(reverse("reports:dashboard"), {"year": 2023}).content.decode()
    assert stat(html, "ntm") == "496/1.260"  # 118 + 378 of the new ones; Vietnamese thousands separator
    assert len(big_queries) == len(demo_queries)
