"""Excel round trip for OCOP products, keyed by the product's register code and the commune's official code."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources

from communes.models import Commune
from core import importing, spreadsheets
from core.importing import Change
from core.scope import scope_for
from core.spreadsheets import TemplateColumn
from core.text import fold
from offices.permissions import can_change_unit

from .choices import OCOP_MAX_SCORE, OcopGroup, stars_for_score
from .models import OcopProduct
from .services import ocop_default_expiry, ocop_import_apply

OCOP_COLUMNS = [
    "code",
    "commune_code",
    "name",
    "owner",
    "group",
    "score",
    "decision_number",
    "decision_date",
    "expires_on",
]


class OcopResource(resources.ModelResource):
    code = fields.Field(attribute="code", column_name="code")
    commune_code = fields.Field(column_name="commune_code")
    commune_name = fields.Field(column_name="commune_name")
    name = fields.Field(attribute="name", column_name="name")
    owner = fields.Field(attribute="owner", column_name="owner")
    group = fields.Field(attribute="group", column_name="group")
    score = fields.Field(attribute="score", column_name="score")
    stars = fields.Field(column_name="stars")
    decision_number = fields.Field(attribute="decision_number", column_name="decision_number")
    decision_date = fields.Field(column_name="decision_date")
    expires_on = fields.Field(column_name="expires_on")

    class Meta:
        model = OcopProduct
        fields = (
            "code", "commune_code", "commune_name", "name", "owner", "group", "score", "stars",
            "decision_number", "decision_date", "expires_on",
        )  # fmt: skip
        export_order = fields

    def dehydrate_commune_code(self, obj):
        return obj.commune.code

    def dehydrate_commune_name(self, obj):
        return obj.commune.name

    def dehydrate_stars(self, obj):
        return obj.star_count

    def dehydrate_decision_date(self, obj):
        return importing.date_text(obj.decision_date)

    def dehydrate_expires_on(self, obj):
        return importing.date_text(obj.expires_on)


def export_ocop(*, products, file_format: str = "xlsx") -> bytes:
    dataset = OcopResource().export(products)
    return OcopImporter.template(
        dataset,
        file_format=file_format,
        title="OCOP",
        choices={"group": [g.value for g in OcopGroup], "commune_code": _commune_codes(dataset)},
    )


def _commune_codes(dataset) -> list[str]:
    return sorted({str(code) for code in dataset["commune_code"]}) if dataset.height else []


class OcopImporter(importing.Importer):
    columns = OCOP_COLUMNS
    required = ["code", "commune_code", "name", "owner", "group", "score", "decision_number", "decision_date"]
    help_text = gettext_lazy(
        "Columns code, commune_code, name, owner, group, score (0–100), decision_number and decision_date "
        "(31/12/2024) are required; expires_on is optional (36 months after the decision when empty). Stars follow "
        "from the score. A product is found by its code: existing products are updated, others created. A file "
        "with any bad row is refused whole and nothing is written."
    )
    template_columns = (
        TemplateColumn("code", gettext_lazy("Product code"), spreadsheets.CODE, 12, key=True),
        TemplateColumn("commune_code", gettext_lazy("Commune code"), spreadsheets.CODE, 10, key=True),
        TemplateColumn("commune_name", gettext_lazy("Commune"), width=22, key=True),
        TemplateColumn("name", gettext_lazy("Product name"), width=32),
        TemplateColumn("owner", gettext_lazy("Owner"), width=28),
        TemplateColumn(
            "group", gettext_lazy("Product group (code)"), spreadsheets.CODE, 14, help=gettext_lazy("From the list.")
        ),
        TemplateColumn("score", gettext_lazy("Score (0–100)"), spreadsheets.INTEGER, 9),
        TemplateColumn("stars", gettext_lazy("Stars"), spreadsheets.INTEGER, 7, key=True),
        TemplateColumn("decision_number", gettext_lazy("Decision number"), width=16),
        TemplateColumn("decision_date", gettext_lazy("Decision date"), spreadsheets.DATE, 12),
        TemplateColumn(
            "expires_on",
            gettext_lazy("Valid until"),
            spreadsheets.DATE,
            12,
            help=gettext_lazy("Optional: 36 months after the decision when empty."),
        ),
    )

    def prepare(self, rows):
        codes = {importing.official_code(r.get("commune_code"), level="commune") for r in rows}
        self.communes = {c.code: c for c in Commune.objects.current().filter(code__in=codes)}
        product_codes = {importing.text(r.get("code")) for r in rows} - {""}
        self.products = {
            p.code: p for p in OcopProduct.objects.filter(code__in=product_codes).select_related("commune")
        }
        self.groups = {g.value: g.value for g in OcopGroup}
        self.groups.update({fold(str(g.label)): g.value for g in OcopGroup})

    def check(self, n, row, err):
        code = importing.text(row.get("code"))
        if not code:
            err("code", _("The product code is empty"))
        commune_code = importing.official_code(row.get("commune_code"), level="commune")
        commune = self.communes.get(commune_code)
        ids = None
        if commune is None:
            err("commune_code", _("Unknown commune code '{code}'").format(code=commune_code))
        else:
            ids = {"province_id": commune.province_id, "district_id": commune.district_id, "commune_id": commune.pk}
            if not scope_for(self.user).covers_unit(**ids):
                err("commune_code", _("Commune '{code}' is outside your area").format(code=commune_code))
            elif not can_change_unit(self.user, **ids):
                err(
                    "commune_code", _("Your role may not change the data of commune '{code}'").format(code=commune_code)
                )
        name, owner = importing.text(row.get("name")), importing.text(row.get("owner"))
        if not name:
            err("name", _("The product name is empty"))
        if not owner:
            err("owner", _("The owner is empty"))
        raw_group = importing.text(row.get("group"))
        group = self.groups.get(raw_group) or self.groups.get(fold(raw_group))
        if group is None:
            err("group", _("Unknown OCOP group '{value}'").format(value=raw_group))
        score = decision_date = expires_on = None
        try:
            score = importing.integer(row.get("score"), low=0, high=OCOP_MAX_SCORE)
        except ValueError as exc:
            err("score", exc)
        decision_number = importing.text(row.get("decision_number"))
        if not decision_number:
            err("decision_number", _("The decision number is empty"))
        try:
            decision_date = importing.date(row.get("decision_date"))
        except ValueError as exc:
            err("decision_date", exc)
        if not importing.blank(row.get("expires_on")):
            try:
                expires_on = importing.date(row.get("expires_on"))
            except ValueError as exc:
                err("expires_on", exc)
            else:
                if decision_date and expires_on <= decision_date:
                    err("expires_on", _("The expiry date must come after the decision date"))
        elif decision_date:
            expires_on = ocop_default_expiry(decision_date)
        existing = self.products.get(code)
        if (
            existing is not None
            and ids is not None
            and not can_change_unit(
                self.user,
                province_id=existing.commune.province_id,
                district_id=existing.commune.district_id,
                commune_id=existing.commune_id,
            )
        ):
            err("code", _("Product '{code}' belongs to a commune outside your area").format(code=code))
        if None in (commune, group, score, decision_date, expires_on) or not (
            code and name and owner and decision_number
        ):
            return None
        values = {
            "commune_id": commune.pk,
            "name": name,
            "owner": owner,
            "group": group,
            "score": score,
            "decision_number": decision_number,
            "decision_date": decision_date,
            "expires_on": expires_on,
        }
        stars = "★" * (stars_for_score(score) or 0)
        change = Change(
            row=n,
            key=(code,),
            values=values,
            label=f"{code} {name} ({commune.name})",
            existing=existing,
            after=f"{score} {stars}",
            unit=ids,
        )
        if existing is not None:
            change.before = f"{existing.score} {'★' * (stars_for_score(existing.score) or 0)}"
        return change

    def write(self, plan):
        return ocop_import_apply(plan=plan, actor=self.user)
