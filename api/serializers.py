"""What the read API returns. Units are named by their official codes; no personal data of residents (the Front's
residents' comments are not exposed at all) and no stored files. Every related row a serializer reads is loaded by
the viewset's queryset (select_related / prefetch_related), so a page costs the same number of queries whatever its
size (tests/api/test_queries.py)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from communes.models import Commune, District, Province, UnitSuccession
from criteria.models import (
    Assessment,
    CriteriaSet,
    Criterion,
    CriterionResult,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
)
from funding.models import CapitalPlanLine
from programs.models import AnnualPlan, PlanTarget
from register.models import Recognition, Standing
from verification.models import Dossier, DossierEvent


def _code(source: str, label: Any) -> serializers.CharField:
    return serializers.CharField(source=source, read_only=True, allow_null=True, help_text=label)


# --- units ------------------------------------------------------------------------------------------------------------


class ProvinceSerializer(serializers.ModelSerializer):
    region = _code("region.code", _("Region code"))
    region_name = _code("region.name", _("Region name"))

    class Meta:
        model = Province
        fields = ["code", "name", "unit_type", "region", "region_name", "has_district_tier", "valid_from", "valid_to"]


class DistrictSerializer(serializers.ModelSerializer):
    province = _code("province.code", _("Province code"))

    class Meta:
        model = District
        fields = ["code", "name", "unit_type", "province", "valid_from", "valid_to"]


class PredecessorSerializer(serializers.ModelSerializer):
    """A unit this commune was formed from (wholly or in part)."""

    level = serializers.CharField(read_only=True)
    code = serializers.SerializerMethodField()
    name = serializers.SerializerMethodField()

    class Meta:
        model = UnitSuccession
        fields = ["level", "code", "name", "share", "effective_date", "resolution", "resolution_date", "clause"]

    def _unit(self, obj: UnitSuccession) -> Any:
        return obj.predecessor_commune or obj.predecessor_district

    def get_code(self, obj: UnitSuccession) -> str:
        return self._unit(obj).code

    def get_name(self, obj: UnitSuccession) -> str:
        return self._unit(obj).name


class SuccessorSerializer(serializers.ModelSerializer):
    """A unit this commune became part of (wholly or in part)."""

    code = serializers.CharField(source="successor_commune.code", read_only=True)
    name = serializers.CharField(source="successor_commune.name", read_only=True)

    class Meta:
        model = UnitSuccession
        fields = ["code", "name", "share", "effective_date", "resolution", "resolution_date", "clause"]


class CommuneSerializer(serializers.ModelSerializer):
    province = _code("province.code", _("Province code"))
    district = _code("district.code", _("District code"))
    district_name = _code("district.name", _("District name"))
    region = _code("region.code", _("Region code (targets of the 2021–2025 indicators)"))
    hamlet_count = serializers.IntegerField(read_only=True)
    predecessors = PredecessorSerializer(source="api_predecessors", many=True, read_only=True)
    successors = SuccessorSerializer(source="api_successors", many=True, read_only=True)

    class Meta:
        model = Commune
        fields = [
            "code",
            "name",
            "unit_type",
            "province",
            "district",
            "district_name",
            "region",
            "commune_group",
            "is_extremely_disadvantaged",
            "valid_from",
            "valid_to",
            "hamlet_count",
            "predecessors",
            "successors",
        ]


class StandingSerializer(serializers.ModelSerializer):
    commune = serializers.CharField(source="commune.code", read_only=True)
    commune_name = serializers.CharField(source="commune.name", read_only=True)
    province = serializers.CharField(source="province.code", read_only=True)
    district = _code("district.code", _("District code"))

    class Meta:
        model = Standing
        fields = ["year", "commune", "commune_name", "province", "district", "is_xa", "level", "level_for_year"]


# --- criteria ---------------------------------------------------------------------------------------------------------


class IndicatorTargetSerializer(serializers.ModelSerializer):
    region = _code("region.code", _("Region code"))

    class Meta:
        model = IndicatorTarget
        fields = ["region", "commune_group", "year_from", "year_to", "value", "text_value", "is_delegated"]


class IndicatorSerializer(serializers.ModelSerializer):
    targets = IndicatorTargetSerializer(many=True, read_only=True)

    class Meta:
        model = Indicator
        fields = ["code", "name", "name_en", "value_type", "comparator", "unit", "is_provisional", "targets"]


class CriterionSerializer(serializers.ModelSerializer):
    group = _code("group.code", _("Group code"))
    indicators = IndicatorSerializer(many=True, read_only=True)

    class Meta:
        model = Criterion
        fields = ["number", "code", "name", "name_en", "group", "is_revocation_key", "indicators"]


class CriteriaSetSerializer(serializers.ModelSerializer):
    province = _code("province.code", _("Province code (sets a province defines)"))

    class Meta:
        model = CriteriaSet
        fields = [
            "code",
            "name",
            "subject",
            "level",
            "year_from",
            "year_to",
            "legal_basis",
            "target_scheme",
            "province",
            "is_provisional",
        ]


class CriteriaSetDetailSerializer(CriteriaSetSerializer):
    criteria = CriterionSerializer(many=True, read_only=True)

    class Meta(CriteriaSetSerializer.Meta):
        fields = [*CriteriaSetSerializer.Meta.fields, "criteria"]


# --- assessments ------------------------------------------------------------------------------------------------------


class IndicatorValueSerializer(serializers.ModelSerializer):
    indicator = serializers.CharField(source="indicator.code", read_only=True)
    indicator_name = serializers.CharField(source="indicator.name", read_only=True)
    criterion = serializers.IntegerField(source="indicator.criterion.number", read_only=True)

    class Meta:
        model = IndicatorValue
        fields = ["indicator", "indicator_name", "criterion", "value_number", "value_bool", "value_text", "is_met"]


class IndicatorValueRowSerializer(IndicatorValueSerializer):
    """One value with the assessment it belongs to (the flat list)."""

    assessment = serializers.IntegerField(source="assessment_id", read_only=True)
    commune = serializers.CharField(source="assessment.commune.code", read_only=True)
    year = serializers.IntegerField(source="assessment.year", read_only=True)
    criteria_set = serializers.CharField(source="assessment.criteria_set.code", read_only=True)

    class Meta(IndicatorValueSerializer.Meta):
        fields = ["id", "assessment", "commune", "year", "criteria_set", *IndicatorValueSerializer.Meta.fields]


class CriterionResultSerializer(serializers.ModelSerializer):
    criterion = serializers.IntegerField(source="criterion.number", read_only=True)
    criterion_name = serializers.CharField(source="criterion.name", read_only=True)
    reasons = serializers.SerializerMethodField()

    class Meta:
        model = CriterionResult
        fields = ["criterion", "criterion_name", "is_met", "reasons"]

    def get_reasons(self, obj: CriterionResult) -> list[str]:
        return [line for line in obj.reasons.splitlines() if line.strip()]


class AssessmentSerializer(serializers.ModelSerializer):
    commune = serializers.CharField(source="commune.code", read_only=True)
    commune_name = serializers.CharField(source="commune.name", read_only=True)
    criteria_set = serializers.CharField(source="criteria_set.code", read_only=True)
    level = serializers.CharField(source="criteria_set.level", read_only=True)
    locked = serializers.SerializerMethodField()

    class Meta:
        model = Assessment
        fields = [
            "id",
            "commune",
            "commune_name",
            "year",
            "criteria_set",
            "level",
            "criteria_met",
            "criteria_total",
            "key_criteria_unmet",
            "is_all_met",
            "level_reached",
            "evaluated_at",
            "locked",
        ]

    def get_locked(self, obj: Assessment) -> bool:
        return obj.locked_at is not None


class AssessmentDetailSerializer(AssessmentSerializer):
    results = CriterionResultSerializer(many=True, read_only=True)
    values = IndicatorValueSerializer(many=True, read_only=True)

    class Meta(AssessmentSerializer.Meta):
        fields = [*AssessmentSerializer.Meta.fields, "results", "values"]


# --- register ---------------------------------------------------------------------------------------------------------


class RecognitionSerializer(serializers.ModelSerializer):
    unit_code = serializers.SerializerMethodField()
    unit_name = serializers.SerializerMethodField()
    commune = _code("commune.code", _("Commune code (hamlets: the hamlet's commune)"))

    class Meta:
        model = Recognition
        fields = [
            "id",
            "subject_kind",
            "unit_code",
            "unit_name",
            "commune",
            "level",
            "year",
            "decision_number",
            "decision_date",
            "issuing_body",
            "signer",
            "revoked_on",
            "revocation_decision",
        ]

    def get_unit_code(self, obj: Recognition) -> str:
        return obj.subject.code

    def get_unit_name(self, obj: Recognition) -> str:
        return obj.subject.name

    def to_representation(self, instance: Recognition) -> dict[str, Any]:
        data = super().to_representation(instance)
        if instance.hamlet_id and data["commune"] is None:
            data["commune"] = instance.hamlet.commune.code
        return data


class RevocationSerializer(RecognitionSerializer):
    class Meta(RecognitionSerializer.Meta):
        fields = [*RecognitionSerializer.Meta.fields, "revocation_reason"]


# --- dossiers ---------------------------------------------------------------------------------------------------------


class DossierEventSerializer(serializers.ModelSerializer):
    """A transition of the dossier: what happened and when. Who did it and what they wrote stay on the page."""

    class Meta:
        model = DossierEvent
        fields = ["action", "from_status", "to_status", "at"]


class DossierSerializer(serializers.ModelSerializer):
    province = serializers.CharField(source="province.code", read_only=True)
    district = _code("district.code", _("District code"))
    commune = _code("commune.code", _("Commune code"))
    hamlet = _code("hamlet.code", _("Hamlet code"))

    class Meta:
        model = Dossier
        fields = [
            "id",
            "subject_kind",
            "province",
            "district",
            "commune",
            "hamlet",
            "level",
            "year",
            "route",
            "status",
            "status_changed_at",
            "stage",
            "stage_entered_at",
            "due_on",
            "consultation_started_on",
            "decision_number",
            "decision_date",
        ]


class DossierDetailSerializer(DossierSerializer):
    events = DossierEventSerializer(many=True, read_only=True)

    class Meta(DossierSerializer.Meta):
        fields = [*DossierSerializer.Meta.fields, "events"]


# --- plans and capital ------------------------------------------------------------------------------------------------


class PlanTargetSerializer(serializers.ModelSerializer):
    class Meta:
        model = PlanTarget
        fields = ["kind", "target", "note"]


class PlanSerializer(serializers.ModelSerializer):
    province = serializers.CharField(source="province.code", read_only=True)
    district = _code("district.code", _("District code"))
    phase = _code("phase.code", _("Phase code"))
    targets = PlanTargetSerializer(many=True, read_only=True)

    class Meta:
        model = AnnualPlan
        fields = ["id", "year", "province", "district", "phase", "title", "decision_number", "decision_date", "targets"]


class PlanProgressRowSerializer(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField()
    target = serializers.IntegerField(allow_null=True)
    registered = serializers.IntegerField()
    achieved = serializers.IntegerField(help_text=_("Recognitions for the plan's year in force today (the register)."))


class PlanDetailSerializer(PlanSerializer):
    progress = serializers.SerializerMethodField()
    as_of = serializers.SerializerMethodField()
    partial = serializers.SerializerMethodField(
        help_text=_("True when the plan's area is wider than the user's: achieved counts only the user's units.")
    )

    class Meta(PlanSerializer.Meta):
        fields = [*PlanSerializer.Meta.fields, "as_of", "partial", "progress"]

    @extend_schema_field(PlanProgressRowSerializer(many=True))
    def get_progress(self, obj: AnnualPlan) -> list[dict[str, Any]]:
        return PlanProgressRowSerializer(self.context["progress"].rows, many=True).data

    def get_as_of(self, obj: AnnualPlan) -> str:
        return self.context["progress"].as_of.isoformat()

    def get_partial(self, obj: AnnualPlan) -> bool:
        return bool(self.context["progress"].partial)


class CapitalLineSerializer(serializers.ModelSerializer):
    province = serializers.CharField(source="province.code", read_only=True)
    district = _code("district.code", _("District code"))
    commune = _code("commune.code", _("Commune code"))
    source = serializers.CharField(source="source.code", read_only=True)
    source_group = serializers.CharField(source="source.group", read_only=True)
    project = _code("project.code", _("Project code"))
    disbursed_amount = serializers.IntegerField(source="disbursed", read_only=True)

    class Meta:
        model = CapitalPlanLine
        fields = [
            "id",
            "year",
            "province",
            "district",
            "commune",
            "source",
            "source_group",
            "component",
            "project",
            "planned_amount",
            "mobilised_amount",
            "disbursed_amount",
        ]


class CapitalSourceRowSerializer(serializers.Serializer):
    source = serializers.CharField(source="source.code")
    name = serializers.CharField(source="source.name")
    group = serializers.CharField(source="source.group")
    planned = serializers.IntegerField()
    mobilised = serializers.IntegerField()
    disbursed = serializers.IntegerField()


class CapitalBySourceSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    area = serializers.CharField(allow_null=True, help_text=_("Official code of the area; empty: the user's scope."))
    rows = CapitalSourceRowSerializer(many=True)
    planned = serializers.IntegerField(source="total.planned")
    mobilised = serializers.IntegerField(source="total.mobilised")
    disbursed = serializers.IntegerField(source="total.disbursed")


# --- DHIS2 ------------------------------------------------------------------------------------------------------------


class DataValueSerializer(serializers.Serializer):
    dataElement = serializers.CharField(help_text=_("Indicator code"))  # noqa: N815 (DHIS2's names)
    orgUnit = serializers.CharField(help_text=_("Official code of the commune"))  # noqa: N815
    period = serializers.CharField(help_text=_("Year (DHIS2 yearly period)"))
    value = serializers.CharField()
    comment = serializers.CharField(required=False)


class DataValueSetSerializer(serializers.Serializer):
    dataSet = serializers.CharField(required=False)  # noqa: N815
    period = serializers.CharField()
    dataValues = DataValueSerializer(many=True)  # noqa: N815
