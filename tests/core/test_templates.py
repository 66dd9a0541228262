"""Every downloadable import template is an officer's workbook that imports back unchanged with its Vietnamese
headers (core.spreadsheets.template_xlsx, declared per importer as `template_columns`)."""

import datetime
import importlib
import io
from decimal import Decimal

import openpyxl
import pytest
from django.apps import apps

from core.importing import Importer
from core.spreadsheets import read_dataset
from tests.offices.factories import UserFactory


def _criteria(world):
    from criteria import resources
    from criteria.choices import Comparator, ValueType
    from tests.criteria.conftest import assess
    from tests.criteria.factories import CriterionFactory, IndicatorFactory, simple_set

    criteria_set = simple_set(n_criteria=1, code="TPL")
    criterion = CriterionFactory(criteria_set=criteria_set, number=2)
    IndicatorFactory(criterion=criterion, code="2.1", value_type=ValueType.BOOL, comparator=Comparator.MET, unit="")
    amount = IndicatorFactory(
        criterion=criterion, code="2.2", value_type=ValueType.AMOUNT, comparator=Comparator.GTE, unit="đồng"
    )
    amount.targets.create(value=1_000_000)
    assess(world.pb[0], criteria_set, {"1.1": Decimal("93.7"), "2.1": True, "2.2": 1_500_000})
    assess(world.pb[1], criteria_set, {"1.1": Decimal(85), "2.1": False})
    user = world.users.district
    content = resources.export_template(user=user, criteria_set=criteria_set, year=2023)
    return resources.ValuesImporter(user=user), content


def _ocop(world):
    from programs import resources
    from programs.models import OcopProduct
    from tests.programs.factories import OcopProductFactory

    for i in range(3):
        OcopProductFactory(commune=world.communes[i], score=55 + i * 10)
    content = resources.export_ocop(products=OcopProduct.objects.with_stars().select_related("commune"))
    return resources.OcopImporter(user=world.users.province), content


def _plan_lines(world):
    from funding import resources
    from funding.models import CapitalPlanLine
    from tests.funding.factories import LineFactory

    for i, commune in enumerate(world.communes[:3]):
        LineFactory(commune=commune, planned_amount=(i + 1) * 123_456_789, note="ghi chú")
    content = resources.export_lines(lines=CapitalPlanLine.objects.all())
    return resources.PlanLineImporter(user=world.users.province), content


def _disbursements(world):
    from funding import resources
    from tests.funding.factories import DisbursementFactory, LineFactory

    for i, commune in enumerate(world.communes[:3]):
        DisbursementFactory(line=LineFactory(commune=commune), amount=1_000_000 + i)
    content = resources.export_disbursements(user=world.users.province)
    return resources.DisbursementImporter(user=world.users.province), content


def _successions(world):
    from communes.resources import SuccessionMappingImporter, mapping_dataset

    dataset = mapping_dataset(province_codes={"19"}, effective_date=datetime.date(2025, 7, 1))
    content = SuccessionMappingImporter.template(dataset, file_format="xlsx", title="Successions")
    return SuccessionMappingImporter(user=UserFactory(), provinces={"19"}), content


def _classifications(world):
    import tablib

    from criteria import resources, services

    services.classifications_record(
        entries=[services.ClassificationEntry(world.pb[0], 2026, 2, None, "QĐ 12/QĐ-UBND")], actor=world.users.province
    )
    headers, rows = resources.classification_rows(user=world.users.province)
    dataset = tablib.Dataset(*rows, headers=headers)
    content = resources.ClassificationImporter.template(dataset, file_format="xlsx", title="Commune groups")
    return resources.ClassificationImporter(user=world.users.province), content


TEMPLATES = {
    "criteria values": _criteria,
    "OCOP products": _ocop,
    "capital plan lines": _plan_lines,
    "disbursements": _disbursements,
    "succession mapping": _successions,
    "commune groups": _classifications,
}


def _project_importers():
    found = set()
    for config in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{config.name}.resources")
        except ModuleNotFoundError:
            continue
        found |= {
            obj
            for obj in vars(module).values()
            if isinstance(obj, type) and issubclass(obj, Importer) and obj.columns and obj.__module__ == module.__name__
        }
    return found


def test_every_importer_declares_its_template_and_is_tested_here():
    importers = _project_importers()
    assert len(importers) == len(TEMPLATES)
    assert [i.__name__ for i in importers if not i.template_columns] == []
    for importer in importers:
        assert set(importer.columns) <= {c.code for c in importer.template_columns}, importer.__name__


@pytest.mark.parametrize("name", list(TEMPLATES))
def test_template_is_an_officers_workbook_and_reimports_unchanged(world, name):
    importer, content = TEMPLATES[name](world)
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    sheet = workbook.worksheets[0]
    assert workbook.active is sheet  # the sheet the import reads
    labels = [str(c.label) for c in importer.template_columns]
    headers = [c.value for c in sheet[1] if c.value is not None]
    assert headers and set(headers) <= set(labels)
    assert not set(headers) & (set(importer.columns) - set(labels))  # no English codes as headers
    assert sheet.freeze_panes == "A2"
    assert sheet.protection.sheet  # key columns protected…
    data_rows = [row for row in sheet.iter_rows(min_row=2) if any(c.value is not None for c in row)]
    assert data_rows
    by_code = {c.code: c for c in importer.template_columns}
    codes = [next(c.code for c in importer.template_columns if str(c.label) == h) for h in headers]
    for row in data_rows:
        for code, cell in zip(codes, row, strict=False):
            assert cell.protection.locked == by_code[code].key  # …and the cells to fill in editable
            if by_code[code].kind in ("amount", "integer") and cell.value is not None:
                assert isinstance(cell.value, int), (code, cell.value)  # numbers as numbers
            if by_code[code].kind == "date" and cell.value is not None:
                assert isinstance(cell.value, datetime.date) and cell.number_format == "dd/mm/yyyy"
    assert all(sheet.column_dimensions[chr(65 + i)].width >= 7 for i in range(min(len(headers), 26)))
    guide = workbook.worksheets[1]
    guide_text = " ".join(str(c.value) for row in guide.iter_rows() for c in row if c.value)
    assert str(importer.help_text) in guide_text and all(label in guide_text for label in headers)

    plan = importer.build(read_dataset(content, "template.xlsx"))
    assert plan.is_valid, plan.errors[:5]
    if name == "succession mapping":  # the shipped mapping, not yet imported: every row new, none refused
        assert plan.new == len(data_rows) and plan.changed == 0
    else:
        assert (plan.new, plan.changed) == (0, 0) and plan.unchanged >= len(data_rows) - plan.blank


def test_the_values_template_offers_drop_downs_and_shows_the_target_beside_the_value(world):
    _importer, content = _criteria(world)
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    headers = [c.value for c in sheet[1]]
    assert headers.index("Value") == headers.index("Target that applies") + 1
    lists = [v.formula1 for v in sheet.data_validations.dataValidation if v.type == "list"]
    assert '"Đạt,Không đạt"' in lists  # yes/no indicators
    assert any("$" in f for f in lists)  # codes from the lists sheet
    rows = [dict(zip(headers, [c.value for c in r], strict=False)) for r in sheet.iter_rows(min_row=2)]
    bool_row = next(r for r in rows if r["Indicator code"] == "2.1" and r["Commune code"] == world.pb[0].code)
    assert bool_row["Value"] == "Đạt" and bool_row["Kind of value"] == "Yes / no"
    amount_row = next(r for r in rows if r["Indicator code"] == "2.2" and r["Commune code"] == world.pb[0].code)
    assert amount_row["Value"] == 1_500_000


def test_codes_are_still_read_as_headers(world):
    importer, content = _plan_lines(world)
    dataset = read_dataset(content, "template.xlsx")
    dataset.headers = [importer.header_of(h) for h in dataset.headers]  # the codes, as older files carry them
    plan = importer.build(dataset)
    assert plan.is_valid and (plan.new, plan.changed) == (0, 0)


def test_headers_are_read_in_any_case_and_with_or_without_marks():
    from core.spreadsheets import TemplateColumn

    class Vietnamese(Importer):
        columns = ["commune_code", "value"]
        template_columns = (TemplateColumn("commune_code", "Mã xã"), TemplateColumn("value", "Giá trị"))

    importer = Vietnamese(user=None)
    assert [importer.header_of(h) for h in ("Mã xã", " MÃ XÃ ", "ma xa", "commune_code", "Giá trị", "Ghi chú")] == [
        "commune_code",
        "commune_code",
        "commune_code",
        "commune_code",
        "value",
        "Ghi chú",  # not a column of this importer: ignored by build()
    ]


def test_choice_labels_follow_the_language_and_unknown_values_show_as_stored():
    from django.utils import translation

    from verification.choices import DossierStatus
    from verification.models import Dossier

    dossier = Dossier(status=DossierStatus.DRAFT)
    for language in ("en", "vi"):
        with translation.override(language):
            assert dossier.get_status_display() == str(DossierStatus.DRAFT.label)
    dossier.status = "no-such-status"
    assert dossier.get_status_display() == "no-such-status"


def test_choice_labels_follow_a_catalogue_switched_on(settings):
    """Labels kept while the suite runs without the project's catalogue are not shown once it is on (browser tests)."""
    from django.utils import translation

    from verification.choices import DossierStatus
    from verification.models import Dossier

    dossier = Dossier(status=DossierStatus.UNDER_VERIFICATION)
    with translation.override("vi"):
        assert dossier.get_status_display() == "Under verification"  # the msgid: no catalogue in the suite
        settings.LOCALE_PATHS = settings.PROJECT_LOCALE_PATHS
        assert dossier.get_status_display() == "Đang thẩm tra"
