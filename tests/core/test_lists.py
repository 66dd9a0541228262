"""The generic list (core.lists) through real list pages: sorting, paging, the export written from the page's own
columns with the page's filters and order, the search box that ignores diacritics, and a query count that does not
grow with the rows (page and export alike)."""

import html
import re

import pytest
from django.urls import reverse

from communes.filters import CommuneFilterSet
from communes.models import Commune
from core.spreadsheets import read_dataset
from tests.communes.factories import CommuneFactory

pytestmark = pytest.mark.django_db

LIST = reverse("communes:commune_list")


def codes(response) -> list[str]:
    return [c.code for c in response.context["communes"]]


def page_headers(response) -> list[str]:
    table = response.content.decode()
    table = table[table.index("<thead") : table.index("</thead>")]
    return [html.unescape(re.sub(r"<[^>]+>", "", th)).strip() for th in re.findall(r"<th[^>]*>(.*?)</th>", table, re.S)]


def export(client, file_format="csv", **params):
    response = client.get(LIST, {**params, "export": file_format})
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="communes.{file_format}"'
    return read_dataset(response.content, f"communes.{file_format}")


@pytest.fixture
def province(client, world):
    client.force_login(world.users.province)
    return world


def test_sorting_on_a_sortable_column_both_ways(client, province):
    all_codes = sorted(c.code for c in province.communes)
    assert codes(client.get(LIST, {"sort": "code"})) == all_codes
    assert codes(client.get(LIST, {"sort": "-code"})) == all_codes[::-1]
    by_name = client.get(LIST, {"sort": "name"})
    assert [c.name for c in by_name.context["communes"]] == [
        "Xã Bảo Lý",
        "Xã Hùng Sơn",
        "Xã Phú Xuyên",
        "Xã Tân Khánh",
        "Xã Tân Kim",
    ]
    page = by_name.content.decode()
    assert "sort=-name" in page and "sort=code" in page  # a sorted header reverses; the others sort
    assert "sort=province" not in page  # a column that does not sort has no link


@pytest.mark.parametrize("sort", ["province", "nonsense", "-hamlet_count", ""])
def test_an_unknown_or_unsortable_column_keeps_the_selectors_order(client, province, sort):
    response = client.get(LIST, {"sort": sort})
    assert response.status_code == 200
    assert codes(response) == [c.code for c in Commune.objects.order_by("province__code", "district__code", "code")]


def test_ties_keep_the_selectors_order(client, province):
    """Sorting by district leaves the communes of one district in the selector's order (by code)."""
    assert codes(client.get(LIST, {"sort": "district"})) == ["05650", "05653", "05797", "05800", "05803"]


def test_fifty_rows_a_page(client, province):
    CommuneFactory.create_batch(60, district=province.phu_binh)
    first = client.get(LIST)
    assert len(first.context["communes"]) == 50 and first.context["page_obj"].paginator.count == 65
    assert "65" in first.context["count_label"]
    second = client.get(LIST, {"page": 2})
    assert len(second.context["communes"]) == 15
    assert not set(codes(first)) & set(codes(second))
    assert codes(client.get(LIST, {"page": 99})) == codes(second)  # past the end: the last page
    assert codes(client.get(LIST, {"page": "x"})) == codes(first)
    sorted_second = client.get(LIST, {"sort": "-code", "page": 2}).content.decode()
    assert "sort=-code&amp;page=1" in sorted_second or "page=1&amp;sort=-code" in sorted_second  # paging keeps the sort


def test_the_empty_message(client, province):
    response = client.get(LIST, {"q": "no such commune"})
    assert response.context["page_obj"].paginator.count == 0
    assert "No commune matches these filters in your area." in response.content.decode()


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_export_has_the_columns_and_rows_of_the_page(client, province, file_format):
    page = client.get(LIST)
    dataset = export(client, file_format)
    assert (
        list(dataset.headers)
        == page_headers(page)
        == ["Code", "Name", "Type", "District", "Province", "Hamlets", "NTM status", "Status"]
    )
    rows = [dict(zip(dataset.headers, row, strict=True)) for row in dataset]
    assert [(r["Code"], r["Name"]) for r in rows] == [(c.code, c.name) for c in page.context["communes"]]
    assert rows[0]["District"] == "Huyện Đại Từ" and rows[0]["Status"] == "Current"
    assert {r["Hamlets"] for r in rows} == ({0} if file_format == "xlsx" else {"0"})  # a figure is a number in Excel
    assert "<" not in str(dataset.dict)  # no markup from the page's links and badges


def test_page_only_and_export_only_columns(client, province):
    """A column is on the page and in the export unless it says otherwise: the scorecards' lock icon is the page's
    only, the commune code and the number of criteria (shown inside other cells on the page) the export's only."""
    from decimal import Decimal

    from tests.criteria.conftest import assess
    from tests.criteria.factories import simple_set

    assess(province.pb[0], simple_set(n_criteria=2), {"1.1": Decimal(90), "2.1": Decimal(70)})
    url = reverse("criteria:assessment_list")
    page = client.get(url)
    assert page_headers(page) == ["Year", "Commune", "District", "Criteria set", "Criteria met", "Result", ""]
    dataset = read_dataset(client.get(url, {"export": "xlsx"}).content, "scorecards.xlsx")
    assert list(dataset.headers) == [
        "Year", "Commune", "Code", "District", "Criteria set", "Criteria met", "Criteria in the set", "Result"
    ]  # fmt: skip
    assert list(dataset[0]) == [2023, "Xã Tân Khánh", "05797", "Huyện Phú Bình", "TEST-SIMPLE", 1, 2, "1 not met"]


def test_the_export_applies_the_filters_and_the_order(client, province):
    dataset = export(client, district=province.dai_tu.pk, sort="-code")
    assert [row[0] for row in dataset] == ["05653", "05650"]
    dataset = export(client, "xlsx", q="tan kh")
    assert [row[1] for row in dataset] == ["Xã Tân Khánh"]


def test_the_export_is_every_row_not_the_page(client, province):
    CommuneFactory.create_batch(60, district=province.phu_binh)
    assert len(export(client)) == 65


def test_the_export_keeps_typed_text_from_running(client, province):
    CommuneFactory(name="=1+1", district=province.phu_binh)
    content = client.get(LIST, {"export": "csv", "q": "=1+1"}).content.decode("utf-8-sig")
    assert "'=1+1" in content


def test_the_export_follows_the_scope(client, world):
    client.force_login(world.users.district)
    assert sorted(row[0] for row in export(client)) == sorted(c.code for c in world.pb)
    client.force_login(world.users.outsider)
    assert len(export(client)) == 0


def test_an_unknown_format_is_404_and_visitors_log_in(client, province):
    assert client.get(LIST, {"export": "pdf"}).status_code == 404
    client.logout()
    for params in ({}, {"export": "csv"}):
        response = client.get(LIST, params)
        assert response.status_code == 302 and reverse("login") in response["Location"]


def test_the_filter_bar_keeps_the_sort_and_folds_on_a_phone(client, province):
    page = client.get(LIST, {"sort": "-code", "district": province.dai_tu.pk}).content.decode()
    bar = page[page.index('id="filter-bar"') :]
    bar = bar[: bar.index("</form>")]
    assert '<input type="hidden" name="sort" value="-code">' in bar
    assert 'data-bs-target="#filter-fields"' in bar and 'class="collapse d-md-block" id="filter-fields"' in bar
    assert '<span class="badge text-bg-success">1</span>' in bar  # one filter set, said on the folded button
    assert 'class="table-responsive list-table"' in page


@pytest.mark.parametrize(
    ("text", "expected"), [("phu xuyen", ["05653"]), ("TÂN", ["05797", "05800"]), ("05650", ["05650"]), ("  ", None)]
)
def test_the_search_box_ignores_diacritics_and_finds_codes(world, text, expected):
    everything = Commune.objects.order_by("code")
    found = CommuneFilterSet({"q": text}, queryset=everything).qs
    assert [c.code for c in found] == (expected if expected is not None else [c.code for c in everything])


@pytest.mark.parametrize("params", [{}, {"sort": "-name"}, {"export": "xlsx"}, {"export": "csv", "sort": "district"}])
def test_query_count_is_the_same_with_3_and_30_rows(client, world, django_assert_max_num_queries, params):
    client.force_login(world.users.district)
    with django_assert_max_num_queries(20) as few:
        assert client.get(LIST, params).status_code == 200
    CommuneFactory.create_batch(27, district=world.phu_binh)
    with django_assert_max_num_queries(len(few.captured_queries)) as many:
        response = client.get(LIST, params)
    assert response.status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)
    rows = (
        len(read_dataset(response.content, "x." + params["export"]))
        if "export" in params
        else response.context["count"]
    )
    assert rows == 30
