"""The verification demo reproduces the published Thái Nguyên figures from register rows, and is idempotent."""

import datetime
import io
import json

import pytest
from django.conf import settings
from django.urls import reverse

from communes.models import Commune, District, Hamlet, Province
from offices import demo as offices_demo
from register.models import Recognition
from verification import demo
from verification.models import Dossier, DossierDocument, DossierEvent
from verification.selectors import queue_q, recognised_counts


def _load_units(hamlets_per_commune=1):
    data = json.loads((settings.BASE_DIR / "communes" / "data" / "thai_nguyen_2023.json").read_text())
    p = data["provinces"][0]
    province = Province.objects.create(code=p["code"], name=p["name"], has_district_tier=True)
    for d in p["districts"]:
        district = District.objects.create(code=d["code"], name=d["name"], unit_type=d["unit_type"], province=province)
        for c in d["communes"]:
            commune = Commune.objects.create(
                code=c["code"], name=c["name"], unit_type=c["unit_type"], province=province, district=district
            )
            for i in range(hamlets_per_commune):
                Hamlet.objects.create(commune=commune, code=f"{c['code']}-{i}", name=f"Xóm {i + 1}", is_demo=True)
    return province


@pytest.fixture
def loaded(db):
    _load_units()
    offices_demo.load(stdout=io.StringIO())
    out = io.StringIO()
    demo.load(stdout=out)
    return out.getvalue()


def test_demo_matches_published_figures(loaded, client):
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.get(username="admin")
    end_2023 = datetime.date(2023, 12, 31)
    communes = recognised_counts(user=admin, as_of=end_2023)
    assert (communes["basic"], communes["advanced"], communes["model"]) == (118, 33, 10)
    assert recognised_counts(user=admin, as_of=end_2023, subject_kind="hamlet")["model"] == 104
    # Issue 15: Định Hóa's 719/QĐ-TTg of 29/07/2024 is for 2023: 5 of 9 by decision date, 6 recognised for 2023.
    assert recognised_counts(user=admin, as_of=end_2023, subject_kind="district")["basic"] == 5
    assert Recognition.objects.filter(subject_kind="district", year__lte=2023).count() == 6
    dai_tu = Recognition.objects.get(subject_kind="district", district__code="171")
    assert dai_tu.year == 2023 and dai_tu.decision_date.year == 2023  # the seed: Đại Từ reached it in 2023
    pb = Recognition.objects.get(subject_kind="district", district__code="173")
    assert pb.decision_number == "567/QĐ-TTg" and pb.decision_date.year == 2023 and pb.year == 2022
    assert "118 NTM" in loaded
    # Figures grow over time and start in 2011.
    by_year = [recognised_counts(user=admin, as_of=datetime.date(y, 12, 31))["basic"] for y in range(2010, 2024)]
    assert by_year[0] == 0 and by_year[1] > 0 and by_year == sorted(by_year) and by_year[-1] == 118
    # Every xã of a recognised district was recognised NTM before it, Tân Khánh (Phú Bình) included.
    for district_rec in Recognition.objects.filter(subject_kind="district").select_related("district"):
        xa = set(Commune.objects.filter(district=district_rec.district, unit_type="xa").values_list("pk", flat=True))
        before = Recognition.objects.filter(
            subject_kind="commune",
            level="basic",
            commune__district=district_rec.district,
            decision_date__lt=district_rec.decision_date,
        )
        assert set(before.values_list("commune_id", flat=True)) == xa, district_rec.district
    tan_khanh = Recognition.objects.filter(subject_kind="commune", commune__code="05917")
    assert list(tan_khanh.values_list("level", flat=True)) == ["basic"]
    # Advanced after basic, model after advanced, for the same commune.
    dates = {}
    for r in Recognition.objects.filter(subject_kind="commune"):
        dates.setdefault(r.commune_id, {})[r.level] = r.decision_date
    for d in dates.values():
        if "advanced" in d:
            assert d["basic"] < d["advanced"]
        if "model" in d:
            assert d["advanced"] < d["model"]


def test_demo_queues_and_tan_khanh(loaded, client):
    from django.contrib.auth import get_user_model

    User = get_user_model()
    assert not Dossier.objects.filter(commune__code="05917").exists()
    assert set(Dossier.objects.values_list("year", flat=True)) == {2024}
    # Titles are the documents' own, in Vietnamese, whatever the language of the loading process.
    summaries = DossierDocument.objects.filter(kind="comments_summary").select_related("dossier__commune")
    assert summaries and all(
        d.title == f"Báo cáo tổng hợp ý kiến của người dân – {d.dossier.commune.name}" for d in summaries
    )
    for username, role in [("verifier", "verifier"), ("appraiser", "appraiser"), ("approver", "approver")]:
        user = User.objects.get(username=username)
        assert Dossier.objects.filter(queue_q(user, role)).count() >= 1, username
        client.force_login(user)
        response = client.get(reverse("verification:queue"))
        assert response.status_code == 200 and response.context["rows"], username
        assert user.notifications.exists()
    for dossier in Dossier.objects.all():
        last = dossier.events.order_by("at", "id").last()
        assert last.to_status == dossier.status
        assert client.get(reverse("verification:dossier_detail", args=[dossier.pk])).status_code in (200, 404)


def test_demo_is_idempotent(loaded):
    counts = (Recognition.objects.count(), Dossier.objects.count(), DossierEvent.objects.count())
    demo.load(stdout=io.StringIO())
    assert (Recognition.objects.count(), Dossier.objects.count(), DossierEvent.objects.count()) == counts
