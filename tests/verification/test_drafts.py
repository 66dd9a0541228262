"""Issue 13: the dossier's documents drafted as .docx (docxtpl, Nghị định 30/2020 layout). Each opens with
python-docx and carries the unit's name, the scorecard table and, for the decision, its number."""

import io

import pytest
from django.urls import reverse
from docx import Document

from criteria.choices import StandardLevel
from tests.criteria.factories import simple_set
from verification import drafts
from verification.choices import DossierStatus, Route

from .conftest import appraisal


def _text(content: bytes) -> tuple[str, list]:
    doc = Document(io.BytesIO(content))
    cells = [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    return "\n".join(p.text for p in doc.paragraphs) + "\n" + "\n".join(cells), doc.tables


@pytest.fixture
def scored(world):
    """A commune scorecard with its criteria and indicators (the table of the drafts)."""
    return simple_set(n_criteria=3, code="XA-NTM-TEST", level=StandardLevel.BASIC)


def _criteria_table(tables) -> list:
    for table in tables:
        header = [c.text for c in table.rows[0].cells]
        if "Tiêu chí" in header and "Kết quả" in header:
            return table.rows[1:]
    raise AssertionError("no criteria table")


@pytest.mark.parametrize("name", list(drafts.DRAFTS))
def test_each_draft_opens_and_names_the_commune(name, world, make_dossier):
    status = {
        "results_report": DossierStatus.DRAFT,
        "verification_report": DossierStatus.UNDER_VERIFICATION,
        "appraisal_minutes": DossierStatus.UNDER_APPRAISAL,
        "submission": DossierStatus.APPRAISED,
        "decision": DossierStatus.APPRAISED,
    }[name]
    dossier = make_dossier(status)
    assert name in drafts.available(dossier)
    content, filename = drafts.render(dossier, name)
    assert filename.endswith(".docx") and "05797" in filename
    text, tables = _text(content)
    assert "Tân Khánh" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Độc lập - Tự do - Hạnh phúc" in text
    assert "Nơi nhận:" in text and "{{" not in text and "{%" not in text


def test_results_report_carries_the_scorecard_table(world, make_dossier):
    dossier = make_dossier(DossierStatus.DRAFT)
    content, _name = drafts.render(dossier, "results_report")
    text, tables = _text(content)
    _criteria_table(tables)  # the set of the test assessment has no criteria rows: the next test fills them
    assert "19/19" in text  # the test assessment: 19 of 19 criteria met


def test_results_report_goes_to_the_level_that_verifies(world, make_dossier):
    """Three-tier: to the district's People's Committee; two-tier (no district): to the province's."""
    tiered, _tables = _text(drafts.render(make_dossier(DossierStatus.DRAFT), "results_report")[0])
    assert "UBND huyện (để báo cáo)" in tiered and "UBND tỉnh (để báo cáo)" not in tiered
    two_tier = make_dossier(DossierStatus.DRAFT, route=Route.PROVINCIAL, commune=world.pb[1])
    text, _tables = _text(drafts.render(two_tier, "results_report")[0])
    assert "UBND tỉnh (để báo cáo)" in text and "UBND huyện (để báo cáo)" not in text


def test_criteria_rows_come_from_the_scorecard(world, make_dossier, scored):
    from criteria.models import Assessment

    dossier = make_dossier(DossierStatus.DRAFT, ready=False)
    Assessment.objects.create(
        commune=dossier.commune, year=dossier.year, criteria_set=scored, criteria_met=2, criteria_total=3
    )
    content, _name = drafts.render(dossier, "results_report")
    _text_, tables = _text(content)
    rows = _criteria_table(tables)
    names = [r.cells[1].text for r in rows]
    assert len(rows) == 3 and all(names)
    assert "2/3" in _text_


def test_minutes_carry_the_council_and_the_vote(world, make_dossier):
    dossier = make_dossier(DossierStatus.UNDER_APPRAISAL)
    appraisal(dossier, world.users.appraiser, votes_for=4, present=5)
    text, tables = _text(drafts.render(dossier, "appraisal_minutes")[0])
    assert "4/5" in text and "Thành viên 1" in text and "Chủ tịch Hội đồng" in text


def test_decision_carries_its_number_and_the_annex(world, make_dossier):
    dossier = make_dossier(DossierStatus.APPRAISED)
    other = make_dossier(DossierStatus.APPRAISED, commune=world.pb[1])
    text, _tables = _text(drafts.render(dossier, "decision")[0])
    assert "…/QĐ-UBND" in text and "Tân Kim" in text and "DANH SÁCH" in text  # both units in the annex
    type(dossier).objects.filter(pk=dossier.pk).update(
        status=DossierStatus.RECOGNISED, decision_number="1234/QĐ-UBND", signer="Chủ tịch UBND tỉnh"
    )
    dossier.refresh_from_db()
    text, _tables = _text(drafts.render(dossier, "decision")[0])
    assert "1234/QĐ-UBND" in text and "Chủ tịch UBND tỉnh" in text
    assert other.pk


def test_district_drafts_follow_the_national_route(world, make_dossier):
    dossier = make_dossier(DossierStatus.APPRAISED, route=Route.NATIONAL)
    assert "appraisal_minutes" not in drafts.available(dossier)
    text, _tables = _text(drafts.render(dossier, "decision")[0])
    assert "THỦ TƯỚNG CHÍNH PHỦ" in text and "Phú Bình" in text
    text, _tables = _text(drafts.render(dossier, "submission")[0])
    assert "Thủ tướng Chính phủ" in text


def test_drafts_offered_by_stage(make_dossier):
    assert drafts.available(make_dossier(DossierStatus.DRAFT, ready=False)) == ["results_report"]
    assert "decision" not in drafts.available(make_dossier(DossierStatus.VERIFIED, ready=False, level="advanced"))
    # Two-tier: the provincial council appraises after the provincial team verifies, then the chairman decides.
    two_tier = make_dossier(DossierStatus.VERIFIED, route=Route.PROVINCIAL, ready=False, level="model")
    assert "decision" not in drafts.available(two_tier)
    appraised = make_dossier(DossierStatus.APPRAISED, route=Route.PROVINCIAL, ready=False, level="model", year=2023)
    assert {"decision", "appraisal_minutes"} <= set(drafts.available(appraised))


def test_download_view(client, world, make_dossier):
    dossier = make_dossier(DossierStatus.APPRAISED)
    client.force_login(world.users.approver)
    response = client.get(reverse("verification:draft_download", args=[dossier.pk, "decision"]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument")
    assert "attachment" in response["Content-Disposition"]
    Document(io.BytesIO(response.content))
    assert client.get(reverse("verification:draft_download", args=[dossier.pk, "results_report"])).status_code == 404
    assert client.get(reverse("verification:draft_download", args=[dossier.pk, "nonsense"])).status_code == 404
    page = client.get(reverse("verification:dossier_detail", args=[dossier.pk])).content.decode()
    assert 'data-draft="decision"' in page
    client.force_login(world.users.outsider)
    assert client.get(reverse("verification:draft_download", args=[dossier.pk, "decision"])).status_code == 404


def test_templates_are_built_from_the_builder(tmp_path):
    """The committed templates are what `manage.py build_docx_templates` writes (same tags, same layout)."""
    from verification.docx.build import FOLDER, build_all

    for path in build_all(tmp_path):
        built = Document(path)
        kept = Document(FOLDER / path.name)
        assert [p.text for p in built.paragraphs] == [p.text for p in kept.paragraphs], path.name
