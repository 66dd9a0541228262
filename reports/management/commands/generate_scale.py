"""Build a national-scale database for `make bench`: every province, former communes, five years of scorecards.

What it builds (defaults; see --help): the official units of every province (`load_admin_units`), about four
former communes per current one (the units merged in 2024–2025, with their successions and former districts), the
national criteria sets, scorecards for every commune and year it existed (basic set every year, advanced for about
a third, model for a few; 2026 under the 2026–2030 set), with every indicator value and criterion result, the
register of recognitions, dossiers in every state with their events, capital plan lines and disbursements, and two
users for the benchmark (a province office and a national administrator). Values meet or miss each indicator's
target on purpose, so the results are consistent with the values; evaluation can be re-run on them.

Rows are written with COPY on PostgreSQL (core.bulk.copy_rows): ≈3 million indicator values in a few minutes.
Synthetic former units stand in for the real pre-2025 communes until their official list is loaded. Run it on an
empty database after `migrate`; it refuses a database that already holds scorecards.
"""

from __future__ import annotations

import datetime
import random
import time
from collections import defaultdict
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from communes.choices import CommuneType, DistrictType, UnitLevel
from communes.models import Commune, District, Province, UnitSuccession
from core.bulk import copy_rows
from core.text import fold
from criteria.choices import NUMERIC_TYPES, Comparator, StandardLevel, SubjectKind, ValueType
from criteria.models import Assessment, CriteriaSet, CriterionResult, IndicatorTarget, IndicatorValue
from funding.choices import Component
from funding.models import CapitalPlanLine, CapitalSource, Disbursement
from offices.choices import OfficeKind, Role
from offices.models import Membership, Office
from register.models import Recognition
from register.standings import standings_rebuild
from verification.choices import DossierStatus, Route, stage_of
from verification.models import Dossier, DossierEvent

REFORM = datetime.date(2025, 7, 1)
SETS = {"basic": "XA-NTM-2021", "advanced": "XA-NC-2021", "model": "XA-KM-2021", "basic_2026": "XA-NTM-2026"}
DOSSIER_STATUSES = [
    DossierStatus.DRAFT,
    DossierStatus.PUBLIC_CONSULTATION,
    DossierStatus.FRONT_SURVEY,
    DossierStatus.UNDER_VERIFICATION,
    DossierStatus.VERIFIED,
    DossierStatus.UNDER_APPRAISAL,
    DossierStatus.APPRAISED,
    DossierStatus.RECOGNISED,
    DossierStatus.REJECTED,
]


class Command(BaseCommand):
    help = (
        "Build a national-scale database (units, five years of scorecards, register, dossiers, funding) for make bench."
    )

    def add_arguments(self, parser):
        parser.add_argument("--provinces", type=int, default=34, help="How many provinces (by code order; 34 = all).")
        parser.add_argument(
            "--former-per-commune", type=float, default=3.8, help="Former (pre-2025) communes per current one."
        )
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--password", default="bench-2026", help="Password of the users bench_province / bench_national."
        )

    def handle(self, *args, provinces, former_per_commune, seed, password, **options):
        if Assessment.objects.exists():
            raise CommandError("This database already holds scorecards: run generate_scale on an empty, migrated one.")
        self.rng = random.Random(seed)
        self.started = time.perf_counter()
        call_command("load_criteria", stdout=self.stdout)
        call_command("load_admin_units", stdout=self.stdout)
        with transaction.atomic():
            chosen = list(Province.objects.current().order_by("code")[:provinces])
            current = list(
                Commune.objects.current()
                .filter(province__in=chosen, unit_type=CommuneType.COMMUNE)
                .order_by("province__code", "code")
            )
            former = self._former_units(chosen, current, former_per_commune)
            self._step(f"{len(chosen)} provinces, {len(current)} current xã, {len(former)} former xã")
            users = self._users(chosen, password)
            self._scorecards(current, former)
            self._register(current, former, users["admin"])
            self._dossiers(current, users["admin"])
            self._funding(current)
            self._step(f"{standings_rebuild()} standings")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        self._step("done")

    # --- helpers -------------------------------------------------------------------------------------------------

    def _step(self, what: str) -> None:
        self.stdout.write(f"[{time.perf_counter() - self.started:7.1f}s] {what}")

    def _former_units(self, provinces, current, per_commune) -> list[Commune]:
        """Former districts and communes (valid until the July 2025 reform), each former commune succeeded by one
        current commune of its province."""
        now = timezone.now()
        by_province = defaultdict(list)
        for commune in current:
            by_province[commune.province_id].append(commune)
        districts = []
        for province in provinces:
            n = max(1, len(by_province[province.pk]) // 12)
            districts += [
                (f"9{province.code}{i:02d}", f"Huyện cũ {i + 1} ({province.name})", province.pk) for i in range(n)
            ]
        copy_rows(
            District,
            ["code", "name", "search_name", "valid_to", "unit_type", "province_id", "created_at", "updated_at"],
            [(c, name, fold(name), REFORM, DistrictType.DISTRICT, p, now, now) for c, name, p in districts],
        )
        district_ids = defaultdict(list)
        for pk, province_id in District.objects.filter(valid_to=REFORM).values_list("pk", "province_id"):
            district_ids[province_id].append(pk)
        rows, successors, serial = [], [], 0
        for province in provinces:
            for commune in by_province[province.pk]:
                count = int(per_commune) + (1 if self.rng.random() < per_commune % 1 else 0)
                for k in range(count):
                    serial += 1
                    name = f"Xã {commune.name.removeprefix('Xã ')} {k + 1} (cũ)"
                    district = self.rng.choice(district_ids[province.pk])
                    rows.append((f"8{serial:05d}", name, fold(name), REFORM, "xa", province.pk, district, now, now))
                    successors.append(commune.pk)
        fields = ["code", "name", "search_name", "valid_to", "unit_type", "province_id", "district_id"]
        copy_rows(Commune, [*fields, "created_at", "updated_at"], rows)
        former = list(Commune.objects.filter(valid_to=REFORM, code__startswith="8").order_by("code"))
        copy_rows(
            UnitSuccession,
            [
                "level",
                "predecessor_commune_id",
                "successor_commune_id",
                "effective_date",
                "legal_basis",
                "created_at",
                "updated_at",
            ],
            [
                (
                    UnitLevel.COMMUNE,
                    old.pk,
                    new_id,
                    REFORM,
                    "Nghị quyết sắp xếp ĐVHC 2025 (dữ liệu đo tốc độ)",
                    now,
                    now,
                )
                for old, new_id in zip(former, successors, strict=True)
            ],
        )
        return former

    def _users(self, provinces, password) -> dict:
        User = get_user_model()
        admin, _ = User.objects.get_or_create(
            username="bench_national", defaults={"is_staff": True, "is_superuser": True, "first_name": "Quốc gia"}
        )
        admin.set_password(password)
        admin.save()
        province = next((p for p in provinces if p.code == "19"), provinces[0])
        user, _ = User.objects.get_or_create(username="bench_province", defaults={"first_name": "Văn phòng tỉnh"})
        user.set_password(password)
        user.save()
        office, _ = Office.objects.get_or_create(
            name=f"VPĐP NTM {province.name}", kind=OfficeKind.COORDINATION, province=province
        )
        Membership.objects.get_or_create(user=user, office=office, role=Role.EDITOR)
        return {"admin": admin, "province": user}

    # --- scorecards ----------------------------------------------------------------------------------------------

    def _structure(self, criteria_set):
        """Per criterion: its indicators with (value type, comparator, target) of the first target found."""
        targets = {}
        for t in IndicatorTarget.objects.filter(indicator__criterion__criteria_set=criteria_set).order_by("pk"):
            targets.setdefault(t.indicator_id, t)
        criteria = []
        for criterion in criteria_set.criteria.prefetch_related("indicators").order_by("number"):
            indicators = [(i, targets.get(i.pk)) for i in criterion.indicators.all()]
            criteria.append((criterion, indicators))
        return criteria

    def _value(self, indicator, target, met: bool):
        """(number, bool, text) that meets or misses the target."""
        if indicator.value_type == ValueType.BOOL or indicator.comparator == Comparator.MET:
            return None, met, ""
        if indicator.value_type not in NUMERIC_TYPES:
            return None, None, "Có"
        goal = target.value if target is not None and target.value is not None else Decimal(80)
        step = max(Decimal(1), abs(goal) * Decimal("0.05"))
        if indicator.comparator == Comparator.LTE:
            number = goal - step if met else goal + step
        elif indicator.comparator == Comparator.EQ:
            number = goal if met else goal + step
        else:
            number = goal + step if met else max(Decimal(0), goal - step)
        if indicator.value_type == ValueType.PERCENT:
            number = min(Decimal(100), max(Decimal(0), number))
        if indicator.value_type == ValueType.COUNT:
            number = number.to_integral_value()
        return number.quantize(Decimal("0.0001")), None, ""

    def _scorecards(self, current, former) -> None:
        sets = {key: CriteriaSet.objects.get(code=code) for key, code in SETS.items()}
        structures = {key: self._structure(s) for key, s in sets.items()}
        quality = {c.pk: self.rng.random() for c in [*current, *former]}
        plan = []  # (commune, year, set key)
        for commune in former:
            for year in range(2021, 2025):
                plan.append((commune, year, "basic"))
                if quality[commune.pk] > 0.65 and year >= 2022:
                    plan.append((commune, year, "advanced"))
                if quality[commune.pk] > 0.95 and year == 2024:
                    plan.append((commune, year, "model"))
        for commune in current:
            plan.append((commune, 2025, "basic"))
            if quality[commune.pk] > 0.65:
                plan.append((commune, 2025, "advanced"))
            plan.append((commune, 2026, "basic_2026"))
        now = timezone.now()
        outcomes = {}  # (commune, year, set key) -> met flags per criterion
        rows = []
        for commune, year, key in plan:
            q = quality[commune.pk]
            if key == "basic_2026":
                q = q * 0.7
            met = [self.rng.random() < 0.75 + q * 0.25 for _ in structures[key]]
            if q > 0.3 and key == "basic" and year >= 2023:
                met = [True] * len(met)
            outcomes[(commune.pk, year, sets[key].pk)] = (key, met)
            n_met = sum(met)
            all_met = n_met == len(met)
            key_unmet = sum(
                1
                for (criterion, _), ok in zip(structures[key], met, strict=True)
                if not ok and criterion.is_revocation_key
            )
            rows.append(
                (
                    commune.pk,
                    year,
                    sets[key].pk,
                    n_met,
                    len(met),
                    key_unmet,
                    all_met,
                    sets[key].level if all_met else "",
                    now,
                    "",
                    now,
                    now,
                )
            )
        copy_rows(
            Assessment,
            [
                "commune_id",
                "year",
                "criteria_set_id",
                "criteria_met",
                "criteria_total",
                "key_criteria_unmet",
                "is_all_met",
                "level_reached",
                "evaluated_at",
                "lock_reason",
                "created_at",
                "updated_at",
            ],
            rows,
        )
        self._step(f"{len(rows)} assessments")
        ids = {
            (c, y, s): pk
            for pk, c, y, s in Assessment.objects.values_list("pk", "commune_id", "year", "criteria_set_id")
        }

        def values():
            for (commune_id, year, set_id), (key, met) in outcomes.items():
                assessment = ids[(commune_id, year, set_id)]
                for (_criterion, indicators), ok in zip(structures[key], met, strict=True):
                    for n, (indicator, target) in enumerate(indicators):
                        hit = ok or n > 0  # an unmet criterion misses on its first indicator
                        number, boolean, text = self._value(indicator, target, hit)
                        yield (assessment, indicator.pk, number, boolean, text, "", "", hit, now, now)

        n = copy_rows(
            IndicatorValue,
            [
                "assessment_id",
                "indicator_id",
                "value_number",
                "value_bool",
                "value_text",
                "note",
                "evidence",
                "is_met",
                "created_at",
                "updated_at",
            ],
            values(),
        )
        self._step(f"{n} indicator values")

        def results():
            for (commune_id, year, set_id), (key, met) in outcomes.items():
                assessment = ids[(commune_id, year, set_id)]
                for (criterion, indicators), ok in zip(structures[key], met, strict=True):
                    reason = "" if ok or not indicators else f"{indicators[0][0].code}: chưa đạt"
                    yield (assessment, criterion.pk, ok, reason, [])

        n = copy_rows(CriterionResult, ["assessment_id", "criterion_id", "is_met", "reasons", "details"], results())
        self._step(f"{n} criterion results")

    # --- register, dossiers, funding -----------------------------------------------------------------------------

    def _register(self, current, former, admin) -> None:
        now = timezone.now()
        rows = []
        serial = 0

        def add(commune, level, year, day):
            nonlocal serial
            serial += 1
            rows.append(
                (
                    SubjectKind.COMMUNE,
                    commune.pk,
                    level,
                    year,
                    f"{serial}/QĐ-UBND",
                    day,
                    "Chủ tịch UBND tỉnh",
                    "UBND tỉnh",
                    "",
                    "",
                    admin.pk,
                    now,
                    now,
                )
            )

        for commune in former:
            r = self.rng.random()
            if r < 0.8:
                year = self.rng.randint(2012, 2024)
                add(commune, StandardLevel.BASIC, year, datetime.date(year, 12, self.rng.randint(1, 28)))
                if r < 0.3 and year < 2024:
                    adv = self.rng.randint(max(year + 1, 2019), 2024)
                    add(commune, StandardLevel.ADVANCED, adv, datetime.date(adv, 12, self.rng.randint(1, 28)))
                    if r < 0.06 and adv < 2024:
                        add(commune, StandardLevel.MODEL, 2024, datetime.date(2024, 12, 20))
        for commune in current:
            if self.rng.random() < 0.6:
                add(commune, StandardLevel.BASIC, 2025, datetime.date(2025, self.rng.randint(8, 12), 15))
        copy_rows(
            Recognition,
            [
                "subject_kind",
                "commune_id",
                "level",
                "year",
                "decision_number",
                "decision_date",
                "signer",
                "issuing_body",
                "revocation_decision",
                "revocation_reason",
                "recorded_by_id",
                "created_at",
                "updated_at",
            ],
            rows,
        )
        self._step(f"{len(rows)} recognitions")

    def _dossiers(self, current, admin) -> None:
        now = timezone.now()
        rows = []
        sample = self.rng.sample(current, k=min(len(current), len(current) // 2))
        for commune in sample:
            status = self.rng.choice(DOSSIER_STATUSES)
            stage = stage_of(status, Route.PROVINCIAL)
            entered = now - datetime.timedelta(days=self.rng.randint(0, 40))
            rows.append(
                (
                    SubjectKind.COMMUNE,
                    commune.province_id,
                    commune.district_id,
                    commune.pk,
                    StandardLevel.BASIC,
                    2026,
                    Route.PROVINCIAL,
                    status,
                    entered,
                    stage or "",
                    entered if stage else None,
                    (entered + datetime.timedelta(days=15)).date() if stage else None,
                    False,
                    admin.pk,
                    now,
                    now,
                )
            )
        copy_rows(
            Dossier,
            [
                "subject_kind",
                "province_id",
                "district_id",
                "commune_id",
                "level",
                "year",
                "route",
                "status",
                "status_changed_at",
                "stage",
                "stage_entered_at",
                "due_on",
                "criteria_confirmed",
                "created_by_id",
                "created_at",
                "updated_at",
            ],
            rows,
        )

        dossiers = list(Dossier.objects.values_list("pk", "status", "status_changed_at"))  # read before COPY starts

        def events():
            for pk, status, at in dossiers:
                yield (
                    pk,
                    "create",
                    DossierStatus.DRAFT,
                    DossierStatus.DRAFT,
                    admin.pk,
                    at - datetime.timedelta(days=30),
                    "",
                    {},
                )
                yield (pk, "advance", DossierStatus.DRAFT, status, admin.pk, at, "Chuyển bước", {})

        n = copy_rows(
            DossierEvent,
            ["dossier_id", "action", "from_status", "to_status", "actor_id", "at", "comment", "data"],
            events(),
        )
        self._step(f"{len(rows)} dossiers, {n} events")

    def _funding(self, current) -> None:
        now = timezone.now()
        sources = list(CapitalSource.objects.order_by("order")[:4])
        rows = []
        for commune in current:
            for year in (2024, 2025, 2026):
                for source in self.rng.sample(sources, k=2):
                    planned = self.rng.randint(5, 200) * 100_000_000
                    rows.append(
                        (
                            commune.province_id,
                            commune.district_id,
                            commune.pk,
                            year,
                            source.pk,
                            Component.INFRASTRUCTURE,
                            planned,
                            planned * self.rng.randint(50, 100) // 100,
                            "",
                            now,
                            now,
                        )
                    )
        copy_rows(
            CapitalPlanLine,
            [
                "province_id",
                "district_id",
                "commune_id",
                "year",
                "source_id",
                "component",
                "planned_amount",
                "mobilised_amount",
                "note",
                "created_at",
                "updated_at",
            ],
            rows,
        )

        lines = list(CapitalPlanLine.objects.values_list("pk", "year", "mobilised_amount"))  # read before COPY starts

        def disbursements():
            for pk, year, mobilised in lines:
                yield (pk, f"UNC-{pk}", datetime.date(year, 6, 30), mobilised // 2, "", False, now, now)

        n = copy_rows(
            Disbursement,
            ["line_id", "reference", "paid_on", "amount", "note", "exceeds_plan", "created_at", "updated_at"],
            disbursements(),
        )
        self._step(f"{len(rows)} capital plan lines, {n} disbursements")
