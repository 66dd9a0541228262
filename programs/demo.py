"""Programs demo: Thái Nguyên's 2024 plan with its published targets (at least 2 more NTM communes, 12 advanced,
2 model, 1 district; domain.md §11), communes registered against them, and some OCOP products.

Which communes register comes from `criteria.demo.demo_levels()` (the levels at the end of 2023): for new NTM the
not-yet-NTM xã closest to the standard (most basic criteria met in 2023); for advanced, NTM communes, Xã Tân Khánh
05917 (the demo commune, NTM since before Phú Bình's recognition) first; for model, advanced ones; and one of the
three district-level units not yet recognised. The communes of the live 2024 dossiers
(`criteria.demo.live_dossier_picks`) are registered for the level their dossier asks. Decision numbers are
generated and marked "(demo)"; OCOP product names are generic (not real products). Achieved figures are never
loaded: they come from the recognition register. Running it again creates nothing.
"""

import datetime
import random

from django.utils.translation import gettext
from simple_history.utils import bulk_create_with_history

from communes.choices import CommuneType
from communes.models import Commune, District, Province
from criteria.choices import StandardLevel

from .choices import OcopGroup, TargetKind
from .models import AnnualPlan, OcopProduct, Phase, PlanTarget, Registration
from .services import ocop_default_expiry

PROVINCE_CODE = "19"
OFFICER_COMMUNE = "05917"
YEAR = 2024
SEED = 2024
DEMO = "(demo)"
# Published 2024 targets (Xây dựng, 8 April 2024). No model-hamlet target was published, so none is loaded.
TARGETS = {
    TargetKind.NEW_NTM_COMMUNES: 2,
    TargetKind.ADVANCED_COMMUNES: 12,
    TargetKind.MODEL_COMMUNES: 2,
    TargetKind.DISTRICTS: 1,
}
# How many units register against each target (a plan registers a little more than it promises).
REGISTER = {
    TargetKind.NEW_NTM_COMMUNES: 3,
    TargetKind.ADVANCED_COMMUNES: 14,
    TargetKind.MODEL_COMMUNES: 3,
    TargetKind.DISTRICTS: 1,
}
UNRECOGNISED_DISTRICTS = ["168", "169", "170"]
OCOP = [
    ("Chè búp khô", OcopGroup.BEVERAGES, 78),
    ("Chè móc câu đặc biệt", OcopGroup.BEVERAGES, 91),
    ("Trà hoa vàng", OcopGroup.BEVERAGES, 72),
    ("Gạo bao thai", OcopGroup.FOOD, 66),
    ("Miến dong", OcopGroup.FOOD, 74),
    ("Bánh chưng", OcopGroup.FOOD, 58),
    ("Mật ong rừng", OcopGroup.FOOD, 71),
    ("Nấm sò tươi", OcopGroup.FOOD, 55),
    ("Rượu ngô men lá", OcopGroup.BEVERAGES, 62),
    ("Mỳ gạo", OcopGroup.FOOD, 68),
    ("Cao cà gai leo", OcopGroup.HERBS, 70),
    ("Giỏ mây tre đan", OcopGroup.HANDICRAFTS, 52),
    ("Lan kim tuyến chậu", OcopGroup.ORNAMENTALS, 64),
    ("Du lịch cộng đồng xóm chè", OcopGroup.TOURISM, 73),
    ("Gà đồi thả vườn", OcopGroup.FOOD, 45),
]


def _levels() -> tuple[dict[str, str | None], dict[str, int]]:
    """Levels at the end of 2023 and basic criteria met by the xã not yet NTM (criteria demo; empty without it)."""
    try:
        from criteria.demo import demo_basic_met, demo_levels
    except ImportError:
        return {}, {}
    return demo_levels(), demo_basic_met()


def _live(levels, communes) -> dict[str, list[str]]:
    """Level asked → codes of the communes with a live 2024 dossier (the criteria demo picks them)."""
    from criteria.demo import live_dossier_picks

    district_of = {code: c.district.code for code, c in communes.items() if c.district}
    asked: dict[str, list[str]] = {}
    for _row, code, level in live_dossier_picks(levels, district_of):
        asked.setdefault(level, []).append(code)
    return asked


def load(*, stdout) -> None:
    province = Province.objects.current().filter(code=PROVINCE_CODE).first()
    if province is None:
        stdout.write(gettext("Programs demo: province 19 is not loaded; nothing created."))
        return
    phase = Phase.objects.filter(year_from__lte=YEAR, year_to__gte=YEAR).first()
    plan, created = AnnualPlan.objects.get_or_create(
        province=province,
        district=None,
        year=YEAR,
        defaults={
            "phase": phase,
            "title": "Kế hoạch xây dựng nông thôn mới tỉnh Thái Nguyên năm 2024",
            "decision_number": f"512/QĐ-UBND {DEMO}",
            "decision_date": datetime.date(2024, 3, 15),
        },
    )
    targets = {}
    for kind, number in TARGETS.items():
        targets[kind], _ = PlanTarget.objects.get_or_create(plan=plan, kind=kind, defaults={"target": number})
    registered = _register(province, targets)
    products = _ocop(province)
    stdout.write(
        gettext(
            "Programs demo: plan {year} ({state}), targets {targets}; {registered} registrations created; "
            "{products} OCOP products created."
        ).format(
            year=YEAR,
            state=gettext("created") if created else gettext("already there"),
            targets=", ".join(f"{k.label} {v}" for k, v in TARGETS.items()),
            registered=registered,
            products=products,
        )
    )


def _register(province, targets) -> int:
    levels, basic_met = _levels()
    communes = {
        c.code: c
        for c in Commune.objects.current()
        .filter(province=province, unit_type=CommuneType.COMMUNE)
        .select_related("district")
    }
    live = _live(levels, communes)
    rng = random.Random(SEED)

    def pick(level, n, first=()):
        chosen = list(dict.fromkeys(c for c in first if c in communes))
        pool = sorted(c for c, lvl in levels.items() if lvl == level and c in communes and c not in chosen)
        return chosen + sorted(rng.sample(pool, min(len(pool), n - len(chosen))))

    closest = sorted((c for c, lvl in levels.items() if lvl is None and c in communes), key=lambda c: -basic_met[c])
    plan_units = {
        TargetKind.NEW_NTM_COMMUNES: sorted(closest[: REGISTER[TargetKind.NEW_NTM_COMMUNES]]),
        TargetKind.ADVANCED_COMMUNES: pick(
            StandardLevel.BASIC,
            REGISTER[TargetKind.ADVANCED_COMMUNES],
            first=(OFFICER_COMMUNE, *live.get(StandardLevel.ADVANCED, [])),
        ),
        TargetKind.MODEL_COMMUNES: pick(
            StandardLevel.ADVANCED, REGISTER[TargetKind.MODEL_COMMUNES], first=live.get(StandardLevel.MODEL, [])
        ),
    }
    existing = set(
        Registration.objects.filter(target__in=targets.values()).values_list("target_id", "commune_id", "district_id")
    )
    new = []
    for kind, codes in plan_units.items():
        for code in codes:
            if (targets[kind].pk, communes[code].pk, None) not in existing:
                new.append(
                    Registration(
                        target=targets[kind], commune=communes[code], registered_on=datetime.date(2023, 12, 10)
                    )
                )
    district = District.objects.current().filter(province=province, code=UNRECOGNISED_DISTRICTS[0]).first()
    if district is not None and (targets[TargetKind.DISTRICTS].pk, None, district.pk) not in existing:
        new.append(
            Registration(
                target=targets[TargetKind.DISTRICTS], district=district, registered_on=datetime.date(2023, 12, 10)
            )
        )
    for registration in new:
        registration.full_clean()
    Registration.objects.bulk_create(new)
    return len(new)


def _ocop(province) -> int:
    codes = sorted(
        Commune.objects.current()
        .filter(province=province, unit_type=CommuneType.COMMUNE)
        .values_list("code", flat=True)
    )
    if not codes:
        return 0
    communes = {c.code: c for c in Commune.objects.current().filter(code__in=codes)}
    existing = set(OcopProduct.objects.filter(code__startswith="TN-OCOP-").values_list("code", flat=True))
    rng = random.Random(SEED + 1)
    places = rng.sample(codes, len(OCOP))
    new = []
    for i, ((name, group, score), place) in enumerate(zip(OCOP, places, strict=True), start=1):
        code = f"TN-OCOP-{i:03d}"
        if code in existing:
            continue
        decided = datetime.date(rng.choice([2021, 2022, 2023]), rng.randint(1, 12), rng.randint(1, 28))
        product = OcopProduct(
            commune=communes[place],
            code=code,
            name=name,
            owner=f"HTX {name.split()[0]} {communes[place].name.replace('Xã ', '')} {DEMO}",
            group=group,
            score=score,
            decision_number=f"{rng.randint(100, 3999)}/QĐ-UBND {DEMO}",
            decision_date=decided,
            expires_on=ocop_default_expiry(decided),
        )
        product.full_clean()
        new.append(product)
    bulk_create_with_history(new, OcopProduct)
    return len(new)
