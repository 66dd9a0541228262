"""Import of a province's year of indicator values (12,000 rows) against a plain bulk_create of the same rows.

The import is the real path a user triggers: read the .xlsx with django-import-export's format class, check every
row (codes resolved once per file, scope, types, locks), then write in bulk with history and re-evaluate every
touched assessment. The baseline is `IndicatorValue.objects.bulk_create` of the same 12,000 rows with ids already
known. Both run in the same process on the same database, so the ratio is what matters.
"""

import time
from decimal import Decimal

import tablib
from django.contrib.auth import get_user_model
from django.db import transaction

from communes.models import Commune, District, Province, Region
from core.spreadsheets import read_dataset
from criteria import resources, services
from criteria.choices import NUMERIC_TYPES, ValueType
from criteria.loader import load_criteria
from criteria.models import Assessment, CriterionResult, IndicatorValue
from criteria.selectors import criteria_set_structure
from offices.choices import OfficeKind, Role
from offices.models import Membership, Office

WRITES = True  # run.py rolls back what it writes
ROWS = 12_000
SET_CODE = "XA-NTM-2021"
YEAR = 2023


def _world():
    load_criteria()
    region = Region.objects.get(code="TDMNPB")
    province = Province.objects.create(code="98", name="Tỉnh Đo Tốc Độ", region=region, has_district_tier=True)
    district = District.objects.create(code="998", name="Huyện Đo", province=province)
    from criteria.models import CriteriaSet

    structure = criteria_set_structure(criteria_set=CriteriaSet.objects.get(code=SET_CODE))
    indicators = structure.indicators
    n_communes = -(-ROWS // len(indicators))
    Commune.objects.bulk_create(
        Commune(code=f"9{n:04d}", name=f"Xã Đo {n}", search_name=f"xa do {n}", province=province, district=district)
        for n in range(n_communes)
    )
    communes = list(Commune.objects.filter(province=province).order_by("code"))
    user = get_user_model().objects.create_user("bench", password="x")
    office = Office.objects.create(name="VPĐP", kind=OfficeKind.COORDINATION, province=province)
    Membership.objects.create(user=user, office=office, role=Role.EDITOR)
    return structure, indicators, communes, user


def _cell(indicator, i):
    if indicator.value_type == ValueType.BOOL:
        return "Đạt" if i % 7 else "Không đạt"
    if indicator.value_type in NUMERIC_TYPES:
        if indicator.value_type == ValueType.COUNT:
            return str(i % 3)
        return f"{80 + i % 20},{i % 10}"  # Vietnamese decimal comma
    return "Giáo dục"


def _file(indicators, communes) -> tuple[bytes, list[tuple]]:
    ds = tablib.Dataset(headers=["year", "set", "commune_code", "commune_name", "indicator_code", "value", "note"])
    plain = []
    i = 0
    for commune in communes:
        for indicator in indicators:
            if i == ROWS:
                break
            raw = _cell(indicator, i)
            ds.append([YEAR, SET_CODE, commune.code, commune.name, indicator.code, raw, ""])
            plain.append((commune, indicator, resources.parse_cell(raw, indicator.value_type)))
            i += 1
    return ds.export("xlsx"), plain


def _wipe():
    IndicatorValue.history.model.objects.all().delete()
    CriterionResult.objects.all().delete()
    IndicatorValue.objects.all().delete()
    Assessment.history.model.objects.all().delete()
    Assessment.objects.all().delete()


def run() -> None:
    structure, indicators, communes, user = _world()
    content, plain = _file(indicators, communes)
    print(
        f"{len(plain)} rows: {len(communes)} communes × {len(indicators)} indicators of {SET_CODE}, {len(content) // 1024} KB xlsx"
    )

    t0 = time.perf_counter()
    dataset = read_dataset(content, "bench.xlsx")
    t1 = time.perf_counter()
    plan = resources.ValuesImporter(user=user).build(dataset)
    assert plan.is_valid and len(plan.changes) == len(plain), plan.errors[:3]
    t2 = time.perf_counter()
    result = services.values_import_apply(plan=plan, actor=user)
    t3 = time.perf_counter()
    assert result["created"] == len(plain)
    import_seconds = t3 - t0

    _wipe()
    with transaction.atomic():
        by_commune = {}
        for commune in communes:
            by_commune[commune.pk] = Assessment.objects.create(
                commune=commune, year=YEAR, criteria_set=structure.criteria_set
            )
    rows = []
    for commune, indicator, value in plain:
        row = IndicatorValue(assessment=by_commune[commune.pk], indicator=indicator)
        if indicator.value_type == ValueType.BOOL:
            row.value_bool = value
        elif indicator.value_type in NUMERIC_TYPES:
            row.value_number = Decimal(value)
        else:
            row.value_text = value
        rows.append(row)
    t4 = time.perf_counter()
    with transaction.atomic():
        IndicatorValue.objects.bulk_create(rows, batch_size=2000)
    bulk_seconds = time.perf_counter() - t4

    n = len(plain)
    print(f"  read xlsx (django-import-export XLSX format)  {t1 - t0:7.2f}s")
    print(f"  check every row, codes resolved once          {t2 - t1:7.2f}s")
    print(f"  bulk write + history + evaluate {result['assessments']} assessments {t3 - t2:7.2f}s")
    print(f"import total                                    {import_seconds:7.2f}s  {n / import_seconds:9.0f} rows/s")
    print(f"plain bulk_create of the same rows              {bulk_seconds:7.2f}s  {n / bulk_seconds:9.0f} rows/s")
    print(f"ratio import / bulk_create: {import_seconds / bulk_seconds:.1f}×")
    _wipe()
