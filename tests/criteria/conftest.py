import pytest

from criteria import services
from criteria.models import Assessment, Indicator

from .factories import simple_set


@pytest.fixture
def small_set(db):
    """Three criteria of one percent ≥ 80 indicator each; criterion 2 is a revocation key."""
    return simple_set(n_criteria=3, key=(2,))


def assess(commune, criteria_set, values: dict[str, object], *, year=2023, actor=None):
    """Create an assessment with values by indicator code, evaluated (through the services, as users do)."""
    from django.contrib.auth import get_user_model

    actor = actor or get_user_model().objects.filter(is_superuser=True).first()
    assessment = services.assessment_get_or_create(commune=commune, year=year, criteria_set=criteria_set)
    structure_ids = {i.code: i.pk for i in Indicator.objects.filter(criterion__criteria_set=criteria_set)}
    entries = {structure_ids[code]: services.ValueEntry(value=v) for code, v in values.items()}
    services.assessment_values_save(assessment=assessment, entries=entries, actor=actor)
    return Assessment.objects.get(pk=assessment.pk)
