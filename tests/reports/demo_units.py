"""Load the Thái Nguyên 2023 units from the official data file (until a communes demo loader exists), with
hamlets for the hamlet recognitions, then the other apps' demos."""

import io
import json

from django.conf import settings

from communes.models import Commune, District, Hamlet, Province

DEMO_APPS = ["offices", "criteria", "programs", "funding", "verification", "monitoring", "register"]


def load_units(hamlets_per_commune: int = 1) -> Province:
    if Province.objects.filter(code="19").exists():
        return Province.objects.get(code="19")
    data = json.loads((settings.BASE_DIR / "communes" / "data" / "thai_nguyen_2023.json").read_text(encoding="utf-8"))
    p = data["provinces"][0]
    province = Province.objects.create(code=p["code"], name=p["name"], has_district_tier=True)
    for d in p["districts"]:
        district = District.objects.create(code=d["code"], name=d["name"], unit_type=d["unit_type"], province=province)
        for c in d["communes"]:
            commune = Commune.objects.create(
                code=c["code"], name=c["name"], unit_type=c["unit_type"], province=province, district=district
            )
            Hamlet.objects.bulk_create(
                Hamlet(commune=commune, code=f"{c['code']}-{i}", name=f"Xóm {i + 1}", is_demo=True)
                for i in range(hamlets_per_commune)
            )
    return province


def load_demo() -> None:
    """Every step of `manage.py load_demo`, in its order (the 2023 records, then the reorganisations up to today)."""
    from django.utils.module_loading import import_string

    from core.management.commands.load_demo import DEMO_LOADERS

    for loader in DEMO_LOADERS:
        import_string(loader)(stdout=io.StringIO())
