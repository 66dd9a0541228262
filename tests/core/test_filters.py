from pathlib import Path

import pytest
from django.utils import translation

from communes.filters import CommuneFilterSet
from core.filters import FilterSet, YesNoFilter, YesNoSelect
from criteria.filters import AssessmentFilterSet
from funding.filters import LineFilterSet
from programs.filters import OcopFilterSet
from register.filters import RecognitionFilterSet
from verification.filters import DossierFilterSet, QueueFilterSet

YES_NO_FILTERS = [
    (OcopFilterSet, "in_force"),
    (QueueFilterSet, "overdue"),
    (RecognitionFilterSet, "revoked"),
    (AssessmentFilterSet, "locked"),
    (CommuneFilterSet, "current"),
    (LineFilterSet, "over_plan"),
]


@pytest.mark.parametrize(("filterset_class", "name"), YES_NO_FILTERS)
def test_every_yes_no_filter_offers_all_yes_no(filterset_class, name):
    field = filterset_class.base_filters[name]
    assert isinstance(field, YesNoFilter)
    with translation.override("en"):
        html = str(field.field.widget.render(name, None))
    assert "Unknown" not in html
    assert '<option value="" selected>All</option>' in html
    assert '<option value="true">Yes</option>' in html and '<option value="false">No</option>' in html


@pytest.mark.parametrize(
    ("raw", "value"),
    [("true", True), ("false", False), ("True", True), ("False", False), ("2", True), ("3", False)]
    + [("", None), ("unknown", None), (None, None), ("maybe", None)],
)
def test_yes_no_reads_the_query_string_values_in_use(raw, value):
    data = {} if raw is None else {"overdue": raw}
    assert YesNoSelect().value_from_datadict(data, {}, "overdue") is value


@pytest.mark.parametrize(("value", "selected"), [(True, "true"), (False, "false"), (None, ""), ("unknown", "")])
def test_yes_no_marks_exactly_one_choice(value, selected):
    html = YesNoSelect().render("overdue", value)
    assert html.count(" selected") == 1
    assert f'<option value="{selected}" selected>' in html


def _project_filtersets():
    import importlib

    import django_filters
    from django.apps import apps

    found = []
    for config in apps.get_app_configs():
        if not (Path(config.path) / "filters.py").exists() or config.name == "core":
            continue
        module = importlib.import_module(f"{config.name}.filters")
        found += [
            obj
            for obj in vars(module).values()
            if isinstance(obj, type) and issubclass(obj, django_filters.FilterSet) and obj.__module__ == module.__name__
        ]
    return found


def test_every_list_filter_is_built_on_the_shared_base():
    filtersets = _project_filtersets()
    assert len(filtersets) >= 10
    assert [f.__name__ for f in filtersets if not issubclass(f, FilterSet)] == []


def test_an_untouched_drop_down_says_all(rf, world):
    request = rf.get("/")
    request.user = world.users.province
    with translation.override("en"):
        html = str(DossierFilterSet(data={}, request=request).form)
    assert "---------" not in html
    assert html.count('<option value="" selected>All</option>') >= 4  # status, level, subject, district
