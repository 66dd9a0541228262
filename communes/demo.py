"""Communes demo: Thái Nguyên as it was at the end of 2023, loaded as the current state.

The units come from communes/data/thai_nguyen_2023.json (9 district-level units, 177 commune-level units of which
126 xã; three-tier, region TDMNPB). Official hamlet lists are not published, so every xã gets 8–15 generated hamlets
(`is_demo=True`), the same ones on every run (seeded by commune code), with codes like "05917-01".
Running it again creates nothing. On a database that already holds Thái Nguyên as it is now (the whole country
loaded first), the units of 2023 are added as history instead (valid until the 2024 and 2025 reorganisations),
so the result is the same whatever was loaded first.
"""

import datetime
import random

from django.utils.translation import gettext as _

from . import services
from .choices import CommuneType, HamletType
from .models import Commune, Hamlet

DEMO_FILE = services.DATA_DIR / "thai_nguyen_2023.json"
PROVINCE_CODE = "19"
DEMO_DAY = datetime.date(2023, 12, 31)
HAMLETS_PER_COMMUNE = (8, 15)

# Hamlet types as a commune uses them: Thái Nguyên says "xóm"; a few communes say "thôn" or, in the uplands, "bản".
HAMLET_TYPES = [(HamletType.XOM, "Xóm", 85), (HamletType.THON, "Thôn", 10), (HamletType.BAN, "Bản", 5)]
NAME_FIRST = [
    "Đồng", "Làng", "Bãi", "Gò", "Khe", "Na", "Cầu", "Tân", "Hòa", "Trung", "Đèo", "Soi", "Ao", "Chợ", "Nà",
    "Phố", "Cây", "Đình", "Núi", "Ngòi", "Suối", "Mỏ", "Dộc", "Cọ", "Vực", "Bờ", "Lầy", "Khuôn", "Nản", "Hồng",
]  # fmt: skip
NAME_SECOND = [
    "Bẩm", "Mới", "Chùa", "Trại", "Giữa", "Tiến", "Bình", "Thành", "Sơn", "Lâm", "Phú", "Cả", "Quán", "Vàng",
    "Xuân", "Ngọc", "Chè", "Mon", "Rẽo", "Trám", "Tre", "Muồng", "Cháy", "Đá", "Thượng", "Hạ", "Lượt", "Thông",
]  # fmt: skip


def demo_hamlets(commune_code: str) -> list[tuple[str, str, str]]:
    """(code, name, hamlet_type) of a commune's demo hamlets; the same list every time for the same commune."""
    rng = random.Random("ntm-demo-hamlets-{}".format(commune_code))
    count = rng.randint(*HAMLETS_PER_COMMUNE)
    hamlet_type, prefix = rng.choices([(t, p) for t, p, _w in HAMLET_TYPES], weights=[w for *_x, w in HAMLET_TYPES])[0]
    if rng.random() < 0.35:
        names = ["{} {}".format(prefix, i) for i in range(1, count + 1)]
    else:
        pool = ["{} {} {}".format(prefix, a, b) for a in NAME_FIRST for b in NAME_SECOND if a != b]
        names = rng.sample(pool, count)
    return [("{}-{:02d}".format(commune_code, i), name, hamlet_type) for i, name in enumerate(names, start=1)]


def load(*, stdout) -> None:
    two_tier = Commune.objects.current().filter(province__code=PROVINCE_CODE, district__isnull=True).exists()
    if two_tier:
        report = services.admin_units_history_load(province_code=PROVINCE_CODE)
        stdout.write(
            _(
                "Communes demo: Thái Nguyên is already loaded as it is now; {count} former units added as history."
            ).format(count=sum(report.history_created.values()))
        )
    else:
        _load_current(stdout)
    _hamlets(stdout)


def _load_current(stdout) -> None:
    report = services.admin_units_load(snapshot=services.snapshot_read(DEMO_FILE), province_code=PROVINCE_CODE)
    counts = report.counts
    stdout.write(
        _("Communes demo: {p} province, {d} districts, {c} communes created ({u} already there).").format(
            p=counts["province"].created,
            d=counts["district"].created,
            c=counts["commune"].created,
            u=counts["commune"].unchanged + counts["commune"].updated,
        )
    )


def _hamlets(stdout) -> None:
    codes = [c.code for c in services.snapshot_read(DEMO_FILE).communes if c.unit_type == CommuneType.COMMUNE]
    communes = list(
        Commune.objects.valid_on(DEMO_DAY)
        .filter(province__code=PROVINCE_CODE, code__in=codes, unit_type=CommuneType.COMMUNE)
        .order_by("code")
        .only("id", "code")
    )
    existing = set(Hamlet.objects.filter(commune__in=communes).values_list("code", flat=True))
    new = [
        Hamlet(commune=commune, code=code, name=name, hamlet_type=hamlet_type, is_demo=True)
        for commune in communes
        for code, name, hamlet_type in demo_hamlets(commune.code)
        if code not in existing
    ]
    Hamlet.objects.bulk_create(new, batch_size=1000)
    stdout.write(
        _("Communes demo: {created} hamlets created for {communes} xã ({existing} already there).").format(
            created=len(new), communes=len(communes), existing=len(existing)
        )
    )


# --- the demo reaches today ---------------------------------------------------------------------------------------

REORGANISED_2024 = services.DATA_DIR / "thai_nguyen_2024.json"
DEC_2024 = datetime.date(2024, 12, 1)  # Resolution 1240/NQ-UBTVQH15


def load_reform(*, stdout) -> None:
    """After the records of 2023 and 2024: the mergers of 1 December 2024 and the reform of 1 July 2025, applied
    through the project's own commands as an office would (Thái Nguyên and Bắc Kạn become the new Thái Nguyên:
    92 units, two-tier). The records of 2023 stay on the units they named. Running it again changes nothing."""
    from django.core.management import call_command

    if Commune.objects.current().filter(province__code=PROVINCE_CODE, district__isnull=False).exists():
        call_command(
            "apply_unit_reorganisation",
            "--from",
            str(DEMO_FILE),
            "--to",
            str(REORGANISED_2024),
            "--effective-date",
            DEC_2024.isoformat(),
            stdout=_Quiet(),
        )
    call_command("load_admin_units", "--province", PROVINCE_CODE, "--with-history", stdout=_Quiet())
    _hamlets_carried()
    current = Commune.objects.current().filter(province__code=PROVINCE_CODE)
    stdout.write(
        _(
            "Communes demo: the 2024 mergers and the July 2025 reform applied; {units} units now ({xa} xã), {old} "
            "former units kept as history."
        ).format(
            units=current.count(),
            xa=current.filter(unit_type=CommuneType.COMMUNE).count(),
            old=Commune.objects.filter(province__code__in=[PROVINCE_CODE, "06"], valid_to__isnull=False).count(),
        )
    )


def _hamlets_carried() -> int:
    """The hamlets of today's xã: a reorganisation merges communes, not hamlets, so each xóm carries on in the
    commune its commune went into whole (through the 2024 and the 2025 steps). A commune split between several
    new ones leaves its hamlets where they were: which xóm went where is the province's decision, not in the
    resolutions. A name met twice in one new commune keeps its former commune's name beside it."""
    from .models import UnitSuccession

    successions = list(
        UnitSuccession.objects.filter(predecessor_commune__isnull=False, successor_commune__isnull=False).values_list(
            "predecessor_commune_id", "successor_commune_id"
        )
    )
    successors: dict[int, set[int]] = {}
    for old, new in successions:
        successors.setdefault(old, set()).add(new)
    whole: dict[int, list[int]] = {}  # new commune → predecessors that went into it whole
    for old, news in successors.items():
        if len(news) == 1:
            whole.setdefault(next(iter(news)), []).append(old)
    own: dict[int, list[Hamlet]] = {}
    for hamlet in Hamlet.objects.select_related("commune").order_by("code"):
        own.setdefault(hamlet.commune_id, []).append(hamlet)

    def inherited(commune_id: int, seen: frozenset[int] = frozenset()) -> list[Hamlet]:
        if commune_id in own or commune_id in seen:
            return own.get(commune_id, [])
        return [h for old in sorted(whole.get(commune_id, [])) for h in inherited(old, seen | {commune_id})]

    new_hamlets = []
    for commune in Commune.objects.current().filter(province__code=PROVINCE_CODE, unit_type=CommuneType.COMMUNE):
        if commune.pk in own:
            continue
        names: set[str] = set()
        for hamlet in inherited(commune.pk):
            name = hamlet.name if hamlet.name not in names else f"{hamlet.name} ({hamlet.commune.name})"
            names.add(name)
            new_hamlets.append(
                Hamlet(
                    commune=commune,
                    code=f"{commune.code}-{hamlet.code}",
                    name=name[:128],
                    hamlet_type=hamlet.hamlet_type,
                    is_demo=hamlet.is_demo,
                )
            )
    Hamlet.objects.bulk_create(new_hamlets, batch_size=1000)
    return len(new_hamlets)


class _Quiet:
    """The command's long report is not the demo's: only its effect matters here."""

    def write(self, *args, **kwargs) -> None:
        pass

    def flush(self) -> None:
        pass
