"""Funding demo: Thái Nguyên's published money (domain.md §11), as plan lines whose sums give the figures.

- 2023: capital mobilised 2,088.6 billion đồng (published: "more than 2,088 billion"), spread over the sources
  and the 9 district-level units plus the province's own lines; planned a little below; budget and integrated
  capital disbursed (one line above its plan, with a note, to show the warning).
- 2024 plan: 13,962.4 billion (published: about 14,000), of which 12,150 billion credit (about 12,000) and
  1,812.4 billion from budgets, integrated and mobilised capital (more than 1,700).
- A few investment projects linked to the criterion they serve, and construction debts: two outstanding in
  not-yet-NTM communes of the districts not recognised, and one settled. The demo commune 05917 Xã Tân Khánh (NTM,
  going for advanced in 2024) stays debt-free.

The split over districts and sources is generated (published per-source figures were not found). Nothing is
typed as a total: reports add the lines up. Running it again creates nothing.
"""

import datetime
import random

from django.utils.translation import gettext
from simple_history.utils import bulk_create_with_history

from communes.choices import CommuneType
from communes.models import Commune, District, Province

from .choices import Component, SourceGroup
from .models import CapitalPlanLine, CapitalSource, ConstructionDebt, Disbursement, Project

PROVINCE_CODE = "19"
OFFICER_COMMUNE = "05917"
SEED = 2088
DEMO = "(demo)"
BILLION = 1_000_000_000
MILLION = 1_000_000

# Source code → amount in tenths of a billion đồng (exact integers). 2023: mobilised; 2024: planned.
MOBILISED_2023 = {
    "NSTW-DTPT": 2620,
    "NSTW-SN": 954,
    "NSDP": 3950,
    "LONG-GHEP": 3102,
    "TIN-DUNG": 6125,
    "DOANH-NGHIEP": 1483,
    "DAN-TIEN": 1216,
    "DAN-CONG": 689,
    "DAN-DAT": 547,
    "KHAC": 200,
}  # fmt: skip  (sum 20,886 = 2,088.6 billion)
PLANNED_2024 = {
    "NSTW-DTPT": 2980,
    "NSTW-SN": 1045,
    "NSDP": 5123,
    "LONG-GHEP": 3860,
    "TIN-DUNG": 121500,
    "DOANH-NGHIEP": 1856,
    "DAN-TIEN": 1400,
    "DAN-CONG": 920,
    "DAN-DAT": 700,
    "KHAC": 240,
}  # fmt: skip  (sum 139,624 = 13,962.4 billion; credit 12,150; others 1,812.4)
COMPONENT = {
    "NSTW-DTPT": Component.INFRASTRUCTURE, "NSTW-SN": Component.PRODUCTION, "NSDP": Component.INFRASTRUCTURE,
    "LONG-GHEP": Component.EDUCATION_HEALTH_CULTURE, "TIN-DUNG": Component.LIVELIHOOD,
    "DOANH-NGHIEP": Component.PRODUCTION, "DAN-TIEN": Component.INFRASTRUCTURE, "DAN-CONG": Component.INFRASTRUCTURE,
    "DAN-DAT": Component.INFRASTRUCTURE, "KHAC": Component.ENVIRONMENT,
}  # fmt: skip
# Share of each district-level unit (weights); the province's own lines take PROVINCE_SHARE of budget sources.
DISTRICT_WEIGHTS = {"164": 9, "165": 6, "167": 13, "168": 12, "169": 12, "170": 14, "171": 15, "172": 9, "173": 10}
PROVINCE_SHARE = {"NSTW-DTPT": 0.25, "NSTW-SN": 0.3, "NSDP": 0.2, "LONG-GHEP": 0.15}
# Commune lines of the demo commune, carved out of Phú Bình's share (source → tenths of a billion, 2023 / 2024).
OFFICER_LINES = {"NSDP": (42, 55), "DAN-CONG": (8, 10), "NSTW-DTPT": (35, 60)}
PLANNED_2023_RATIO = 0.94  # 2023: mobilised a little above plan
DISBURSED_2023_RATIO = 0.91  # share of mobilised budget and integrated capital disbursed in 2023


def _split(total: int, weights: dict[str, float]) -> dict[str, int]:
    """Split `total` by weights in whole millions; the last key takes the remainder, so the parts add up exactly."""
    keys = list(weights)
    whole = sum(weights.values())
    parts = {k: int(total * weights[k] / whole) // MILLION * MILLION for k in keys[:-1]}
    parts[keys[-1]] = total - sum(parts.values())
    return parts


def _lines(year, amounts, province, districts, officer, sources, *, mobilised: bool) -> list[CapitalPlanLine]:
    lines = []
    for code, tenths in amounts.items():
        total = tenths * BILLION // 10
        source = sources[code]
        own = int(total * PROVINCE_SHARE.get(code, 0)) // MILLION * MILLION
        parts = _split(total - own, {d: w for d, w in DISTRICT_WEIGHTS.items() if d in districts})
        if own:
            parts = {None: own, **parts}
        carve = OFFICER_LINES.get(code)
        for district_code, amount in parts.items():
            unit = {"province": province, "district": districts.get(district_code), "commune": None}
            if carve and officer is not None and district_code == officer.district.code:
                commune_amount = carve[0 if mobilised else 1] * BILLION // 10
                amount -= commune_amount
                lines.append(_line(year, source, code, {**unit, "commune": officer}, commune_amount, mobilised))
            lines.append(_line(year, source, code, unit, amount, mobilised))
    return lines


def _line(year, source, code, unit, amount, mobilised) -> CapitalPlanLine:
    planned = int(amount * PLANNED_2023_RATIO) // MILLION * MILLION if mobilised else amount
    return CapitalPlanLine(
        year=year,
        source=source,
        component=COMPONENT[code],
        planned_amount=planned,
        mobilised_amount=amount if mobilised else 0,
        note=DEMO,
        **unit,
    )


def load(*, stdout) -> None:
    province = Province.objects.current().filter(code=PROVINCE_CODE).first()
    if province is None:
        stdout.write(gettext("Funding demo: province 19 is not loaded; nothing created."))
        return
    sources = {s.code: s for s in CapitalSource.objects.all()}
    districts = {d.code: d for d in District.objects.current().filter(province=province)}
    officer = Commune.objects.current().select_related("district").filter(code=OFFICER_COMMUNE).first()
    created = {}
    for year, amounts, mobilised in [(2023, MOBILISED_2023, True), (2024, PLANNED_2024, False)]:
        if CapitalPlanLine.objects.filter(province=province, year=year).exists():
            created[year] = 0
            continue
        lines = _lines(year, amounts, province, districts, officer, sources, mobilised=mobilised)
        for line in lines:
            line.full_clean(validate_unique=False, validate_constraints=False)
        bulk_create_with_history(lines, CapitalPlanLine, batch_size=500)
        created[year] = len(lines)
    disbursed = _disbursements(province)
    projects, debts = _projects_and_debts(province)
    stdout.write(
        gettext(
            "Funding demo: {a} lines for 2023, {b} for 2024 created; {d} disbursements, {p} projects, {c} "
            "construction debts created."
        ).format(a=created[2023], b=created[2024], d=disbursed, p=projects, c=debts)
    )


def _disbursements(province) -> int:
    if Disbursement.objects.filter(line__province=province).exists():
        return 0
    lines = list(
        CapitalPlanLine.objects.filter(
            province=province, year=2023, source__group__in=[SourceGroup.BUDGET, SourceGroup.INTEGRATED]
        )
        .select_related("district", "source")
        .order_by("district__code", "commune__code", "source__order", "id")
    )
    rng = random.Random(SEED)
    new = []
    over_done = False
    for n, line in enumerate(lines, start=1):
        total = int(line.mobilised_amount * DISBURSED_2023_RATIO) // MILLION * MILLION
        note = ""
        over = False
        if (
            not over_done
            and line.district
            and line.district.code == "173"
            and line.source.code == "NSDP"
            and not line.commune_id
        ):
            total = line.planned_amount + 1_850 * MILLION
            note = "Bổ sung từ nguồn tăng thu ngân sách huyện, đã báo cáo HĐND {}".format(DEMO)
            over, over_done = True, True
        first = int(total * rng.uniform(0.45, 0.6)) // MILLION * MILLION
        for i, (amount, paid_on) in enumerate(
            [
                (first, datetime.date(2023, 7, rng.randint(1, 28))),
                (total - first, datetime.date(2023, 12, rng.randint(1, 28))),
            ]
        ):
            new.append(
                Disbursement(
                    line=line,
                    reference=f"UNC-2023-{n:04d}-{i + 1}",
                    paid_on=paid_on,
                    amount=amount,
                    note=note if i == 1 else "",
                    exceeds_plan=over and i == 1,
                )
            )
    bulk_create_with_history(new, Disbursement, batch_size=500)
    return len(new)


PROJECTS = [
    # code, name, commune (None: district project), district, criterion code, total investment (million đồng)
    ("TN-DA-001", "Đường trục xã Tân Khánh, đoạn xóm Trung – xóm Đồng", OFFICER_COMMUNE, "173", "TC02", 6_800),
    ("TN-DA-002", "Nhà văn hóa xóm (3 công trình)", OFFICER_COMMUNE, "173", "TC06", 2_400),
    ("TN-DA-003", "Kênh mương nội đồng", None, "168", "TC03", 9_500),
    ("TN-DA-004", "Điểm thu gom rác thải tập trung", None, "170", "TC17", 3_200),
]


def _criteria(codes) -> dict:
    try:
        from criteria.models import Criterion
    except ImportError:
        return {}
    found = {}
    for c in (
        Criterion.objects.filter(code__in=codes, criteria_set__level="basic", criteria_set__subject="commune")
        .select_related("criteria_set")
        .order_by("-criteria_set__year_from")
    ):
        found.setdefault(c.code, c)
    return found


def _projects_and_debts(province) -> tuple[int, int]:
    existing = set(Project.objects.filter(code__startswith="TN-DA-").values_list("code", flat=True))
    districts = {d.code: d for d in District.objects.current().filter(province=province)}
    communes = {c.code: c for c in Commune.objects.current().filter(province=province, code=OFFICER_COMMUNE)}
    criteria = _criteria([p[4] for p in PROJECTS])
    new_projects = []
    for code, name, commune_code, district_code, criterion_code, millions in PROJECTS:
        district = districts.get(district_code)
        commune = communes.get(commune_code) if commune_code else None
        if code in existing or district is None or (commune_code and commune is None):
            continue
        project = Project(
            code=code,
            name=name,
            province=province,
            district=district,
            commune=commune,
            criterion=criteria.get(criterion_code),
            total_investment=millions * MILLION,
            year_start=2023,
            year_end=2024,
            note=DEMO,
        )
        project.full_clean()
        new_projects.append(project)
    bulk_create_with_history(new_projects, Project)
    if ConstructionDebt.objects.filter(commune__province=province).exists():
        return len(new_projects), 0
    # Debts in not-yet-NTM xã of the districts not yet recognised (never the demo commune).
    pool = list(
        Commune.objects.current()
        .filter(province=province, unit_type=CommuneType.COMMUNE, district__code__in=["168", "170"])
        .exclude(code=OFFICER_COMMUNE)
        .order_by("code")
    )
    try:
        from criteria.demo import demo_levels

        levels = demo_levels()
        not_ntm = [c for c in pool if levels.get(c.code) is None]
        ntm = [c for c in pool if levels.get(c.code)]
    except ImportError:
        not_ntm, ntm = pool[:2], pool[2:]
    rng = random.Random(SEED + 1)
    debts = []
    for commune, amount in zip(rng.sample(not_ntm, min(2, len(not_ntm))), [1_250, 480], strict=False):
        debts.append(
            ConstructionDebt(
                commune=commune,
                amount=amount * MILLION,
                as_of=datetime.date(2023, 12, 31),
                note=f"Nợ đọng XDCB công trình đường liên xóm {DEMO}",
            )
        )
    if ntm:
        debts.append(
            ConstructionDebt(
                commune=rng.choice(ntm),
                amount=320 * MILLION,
                as_of=datetime.date(2023, 6, 30),
                settled=True,
                settled_on=datetime.date(2023, 11, 20),
                note=f"Đã thanh toán từ nguồn NSĐP {DEMO}",
            )
        )
    for debt in debts:
        debt.full_clean()
    bulk_create_with_history(debts, ConstructionDebt)
    return len(new_projects), len(debts)
