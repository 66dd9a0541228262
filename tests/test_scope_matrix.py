"""Every page with URL arguments, against objects inside and outside each role's scope (DESIGN.md "Scope").

One row per URL pattern with arguments (the admin namespace is left to the admin tests). The same object is built
in three communes of the `world`: Tân Khánh (own: the commune officer's commune, in Phú Bình), Tân Kim (neighbour:
the same district, another commune) and Hùng Sơn (away: Đại Từ). For each row:

- the roles that read the own object get their normal answer, and the administrator reads the away one;
- users whose scope does not hold the object get 404 on GET and on POST (district, verifier, commune officer,
  a Phú Bình Front monitor and a user without membership on the away object; the commune officer on the
  neighbour's; an officer of another province on every side), and nothing in the database changes;
- the least-privileged roles inside the scope are refused on the write (403, or 404), and nothing changes;
- the role the action is for succeeds with the same data, so the refusals above are not form errors.

tests/test_url_sweep.py covers the pages without arguments.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from criteria import services as criteria_services
from criteria.choices import StandardLevel, SubjectKind
from monitoring import services as monitoring_services
from monitoring.choices import ReportSubject, Severity
from monitoring.models import PublicComment
from monitoring.services import SurveyRow
from offices.choices import OfficeKind, Role
from programs.choices import TargetKind
from register.models import Recognition
from tests.communes.factories import HamletFactory, ProvinceFactory
from tests.criteria.conftest import assess
from tests.criteria.factories import simple_set
from tests.funding.factories import LineFactory
from tests.offices.factories import MembershipFactory, OfficeFactory, UserFactory
from tests.programs.factories import AnnualPlanFactory, PlanTargetFactory, RegistrationFactory
from tests.verification import conftest as verification_fixtures
from verification.choices import DocumentKind, DossierStatus, Route
from verification.models import DossierDocument

pytestmark = pytest.mark.django_db

# make_dossier (a dossier at any status, every gate passing) and the gate fakes it needs.
fakes = verification_fixtures.fakes
make_dossier = verification_fixtures.make_dossier

TODAY = timezone.localdate()
SIDES = ("own", "neighbour", "away")
READERS = ("admin", "province", "district", "commune", "verifier", "appraiser", "approver", "front", "viewer")
# Users whose scope does not hold the object on that side: none of the first five covers Đại Từ; "elsewhere" is a
# data-entry officer of another province.
OUTSIDE = [
    *((user, "away") for user in ("district", "verifier", "commune", "pb_front", "outsider", "elsewhere")),
    ("elsewhere", "own"),
]
DATA_APPS = ("communes", "criteria", "programs", "funding", "verification", "monitoring", "offices")


# --- the objects, built on demand in each side's commune -------------------------------------------------------------


class Objects:
    def __init__(self, world, make_dossier):
        self.world = world
        self.make_dossier = make_dossier
        self._cache = {}

    def commune(self, side):
        return {"own": self.world.pb[0], "neighbour": self.world.pb[1], "away": self.world.dt[0]}[side]

    def _once(self, key, build):
        if key not in self._cache:
            self._cache[key] = build()
        return self._cache[key]

    def criteria_set(self):
        return self._once("set", lambda: simple_set(n_criteria=2))

    def assessed_commune(self, side, *, assessed=True):
        """The commune, with the criteria set (and its 2023 assessment when `assessed`) its pages read."""
        self.assessment(side) if assessed else self.criteria_set()
        return self.commune(side)

    def indicator(self):
        return self.criteria_set().criteria.get(number=1).indicators.get()

    def assessment(self, side, *, locked=False):
        def build():
            a = assess(self.commune(side), self.criteria_set(), {"1.1": Decimal(90), "2.1": Decimal(70)})
            if locked:
                criteria_services.assessment_lock(assessment=a, actor=self.world.users.admin, reason="Hồ sơ")
            return a

        return self._once(("assessment", side, locked), build)

    def evidence(self, side):
        """An indicator value of the side's assessment, with an evidence file."""

        def build():
            value = self.assessment(side).values.order_by("pk").first()
            value.evidence.save("bien-ban-kiem-tra.pdf", ContentFile(b"%PDF-1.4 evidence"))
            return value

        return self._once(("evidence", side), build)

    def document(self, side):
        def build():
            return DossierDocument.objects.create(
                dossier=self.dossier(side, DossierStatus.UNDER_VERIFICATION),
                kind=DocumentKind.PHOTOS,
                title="Ảnh hiện trường",
                file=ContentFile(b"%PDF-1.4 document", name="anh-hien-truong.pdf"),
                uploaded_by=self.world.users.admin,
            )

        return self._once(("document", side), build)

    def dossier(self, side, status, **kw):
        return self._once(
            ("dossier", side, status), lambda: self.make_dossier(status, commune=self.commune(side), **kw)
        )

    def district_dossier(self, side):
        """A dossier of the side's district itself (route to the Prime Minister): no commune office covers it."""
        district = self.commune(side).district
        return self._once(
            ("district_dossier", district.pk),
            lambda: self.make_dossier(
                DossierStatus.UNDER_VERIFICATION, route=Route.NATIONAL, district=district, ready=False
            ),
        )

    def hamlet(self, side):
        return self._once(("hamlet", side), lambda: HamletFactory(commune=self.commune(side), name="Xóm Đồng"))

    def survey_dossier(self, side):
        self.hamlet(side)
        return self.dossier(side, DossierStatus.FRONT_SURVEY, ready=False)

    def survey(self, side):
        def build():
            return monitoring_services.survey_create(
                dossier=self.survey_dossier(side),
                actor=self.world.users.admin,
                period_start=TODAY - datetime.timedelta(days=7),
                period_end=TODAY - datetime.timedelta(days=1),
                rows=[SurveyRow(self.hamlet(side), 20, 18, 17)],
                complete=False,
            )

        return self._once(("survey", side), build)

    def completed_survey(self, side):
        def build():
            return monitoring_services.survey_create(
                dossier=self.survey_dossier(side),
                actor=self.world.users.admin,
                period_start=TODAY - datetime.timedelta(days=7),
                period_end=TODAY - datetime.timedelta(days=1),
                rows=[SurveyRow(self.hamlet(side), 20, 18, 17)],
                complete=True,
            )

        return self._once(("completed_survey", side), build)

    def council(self):
        return self._once("council", lambda: verification_fixtures.make_council(self.world.province))

    def report(self, side):
        return self._once(
            ("report", side),
            lambda: monitoring_services.supervision_report_create(
                actor=self.world.users.admin,
                subject_kind=ReportSubject.COMMUNE,
                commune=self.commune(side),
                title="Giám sát môi trường",
                period_start=TODAY - datetime.timedelta(days=10),
                period_end=TODAY,
            ),
        )

    def finding(self, side):
        return self._once(
            ("finding", side),
            lambda: monitoring_services.finding_add(
                report=self.report(side),
                actor=self.world.users.admin,
                severity=Severity.HIGH,
                description="Rác chưa thu gom",
                recommendation="Thu gom hằng tuần",
            ),
        )

    def comment(self, side):
        def build():
            d = self.dossier(side, DossierStatus.PUBLIC_CONSULTATION, ready=False, consultation_started_on=TODAY)
            return PublicComment.objects.create(dossier=d, text="Ý kiến của người dân")

        return self._once(("comment", side), build)

    def recognition(self, side):
        commune = self.commune(side)
        return self._once(
            ("recognition", side),
            lambda: Recognition.objects.create(
                subject_kind=SubjectKind.COMMUNE,
                commune=commune,
                level=StandardLevel.BASIC,
                year=2016,
                decision_number=f"{commune.code}/QĐ-UBND",
                decision_date=datetime.date(2016, 12, 1),
            ),
        )

    def revoked_recognition(self, side):
        commune = self.commune(side)
        return self._once(
            ("revoked_recognition", side),
            lambda: Recognition.objects.create(
                subject_kind=SubjectKind.COMMUNE,
                commune=commune,
                level=StandardLevel.ADVANCED,
                year=2020,
                decision_number=f"NC-{commune.code}/QĐ-UBND",
                decision_date=datetime.date(2020, 12, 1),
                revoked_on=datetime.date(2023, 6, 1),
                revocation_decision=f"TH-{commune.code}/QĐ-UBND",
            ),
        )

    def province_plan_target(self):
        def build():
            plan = AnnualPlanFactory(province=self.world.province, year=2024)
            return PlanTargetFactory(plan=plan, kind=TargetKind.NEW_NTM_COMMUNES)

        return self._once("province_target", build)

    def district_plan(self, side):
        district = self.commune(side).district
        return self._once(("district_plan", district.pk), lambda: self._district_plan(district))

    def _district_plan(self, district):
        plan = AnnualPlanFactory(province=self.world.province, district=district, year=2024)
        PlanTargetFactory(plan=plan, kind=TargetKind.NEW_NTM_COMMUNES)
        return plan

    def registration(self, side):
        return self._once(
            ("registration", side),
            lambda: RegistrationFactory(target=self.province_plan_target(), commune=self.commune(side)),
        )

    def line(self, side):
        return self._once(("line", side), lambda: LineFactory(commune=self.commune(side), planned_amount=10**9))


# --- the matrix ------------------------------------------------------------------------------------------------------


def _reads(**overrides):
    """GET statuses on the own object: every demo role with membership reads it unless overridden."""
    return {**dict.fromkeys(READERS, 200), **overrides}


def _upload(name="anh.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 matrix")


@dataclass(frozen=True)
class Row:
    """One URL pattern (or one action of it). `build(objects, side)` returns the object, `args(obj)` the URL
    arguments; `data(objects, side)` the POST of the write (None: a read-only page). `get` maps users to the GET
    status on the own object (None: POST only). `refused` maps in-scope users to the status of their POST, which
    must change nothing; `writer` is the user whose same POST succeeds."""

    url: str
    build: Callable
    args: Callable = lambda obj: [obj.pk]
    get: dict | None = field(default_factory=_reads)
    data: Callable | None = None
    refused: dict = field(default_factory=dict)
    writer: str | None = None
    neighbour_get: int = 404  # the commune officer on the neighbour's object
    variant: str = ""

    @property
    def key(self):
        return f"{self.url}[{self.variant}]" if self.variant else self.url


WRITE_REFUSED = {"viewer": 403, "front": 403, "verifier": 403}

ROWS = [
    # communes
    Row("communes:commune_detail", lambda o, s: o.commune(s)),
    # criteria
    Row(
        "criteria:assessment_detail",
        lambda o, s: o.assessment(s),
        get=dict.fromkeys(READERS, 302),  # to the scorecard
    ),
    Row("criteria:scorecard", lambda o, s: o.assessed_commune(s, assessed=False), args=lambda c: [c.code, 2023]),
    Row(
        "criteria:scorecard_level",
        lambda o, s: o.assessed_commune(s, assessed=False),
        args=lambda c: [c.code, 2023, "basic"],
    ),
    Row(
        "criteria:values_edit",
        lambda o, s: o.assessed_commune(s, assessed=False),
        args=lambda c: [c.code, 2023, "basic"],
        get=_reads(verifier=403, appraiser=403, approver=403, front=403, viewer=403),
        data=lambda o, s: {f"v_{o.indicator().pk}": "95"},
        refused={**WRITE_REFUSED, "appraiser": 403, "approver": 403},
        writer="commune",
    ),
    Row("criteria:gap", lambda o, s: o.assessed_commune(s), args=lambda c: [c.code]),
    Row("criteria:evidence_download", lambda o, s: o.evidence(s)),  # whoever reads the scorecard
    Row(
        "criteria:assessment_lock",
        lambda o, s: o.assessment(s),
        get=None,
        data=lambda o, s: {"reason": "Hồ sơ đề nghị công nhận"},
        refused={**WRITE_REFUSED, "appraiser": 403, "approver": 403},
        writer="commune",
    ),
    Row(
        "criteria:assessment_unlock",
        lambda o, s: o.assessment(s, locked=True),
        get=None,
        data=lambda o, s: {"reason": "Sửa theo biên bản"},
        refused={**WRITE_REFUSED, "commune": 403},  # a commune cannot unlock its own data
        writer="district",
    ),
    # programs
    Row(
        "programs:plan_detail",
        lambda o, s: o.district_plan(s),
        data=lambda o, s: {
            "target": o.district_plan(s).targets.get().pk,
            "unit_code": o.commune(s).code,
        },
        refused={**WRITE_REFUSED, "appraiser": 403},
        writer="commune",
        neighbour_get=200,  # the district's plan; registering the neighbour commune is what is refused
    ),
    Row(
        "programs:registration_delete",
        lambda o, s: o.registration(s),
        get=None,
        data=lambda o, s: {},
        refused={**WRITE_REFUSED, "approver": 403},
        writer="commune",
    ),
    # funding
    Row(
        "funding:line_detail",
        lambda o, s: o.line(s),
        data=lambda o, s: {"reference": "UNC-77", "paid_on": "2024-03-01", "amount": "1.000.000", "note": ""},
        refused={**WRITE_REFUSED, "approver": 403},
        writer="commune",
    ),
    # verification
    Row("verification:dossier_detail", lambda o, s: o.dossier(s, DossierStatus.UNDER_VERIFICATION)),
    Row(
        "verification:dossier_detail",
        lambda o, s: o.district_dossier(s),
        get=_reads(commune=404),  # a commune membership does not cover its district
        variant="district",
    ),
    Row("verification:document_download", lambda o, s: o.document(s)),  # whoever reads the dossier
    Row(
        "verification:dossier_transition",
        lambda o, s: o.dossier(s, DossierStatus.UNDER_VERIFICATION),
        args=lambda d: [d.pk, "verify"],
        get=None,
        data=lambda o, s: {"verify-comment": "Đạt đủ tiêu chí"},
        refused={"viewer": 403, "front": 403, "commune": 403, "appraiser": 403, "approver": 403},
        writer="verifier",
    ),
    Row(
        "verification:dossier_review",
        lambda o, s: o.dossier(s, DossierStatus.UNDER_VERIFICATION, ready=False),
        get=None,
        data=lambda o, s: {"security_status": "not_complex", "criteria_confirmed": "on"},
        refused={"viewer": 403, "front": 403, "commune": 403, "approver": 403},
        writer="verifier",
    ),
    Row(
        "verification:document_add",
        lambda o, s: o.dossier(s, DossierStatus.DRAFT, ready=False),
        get=None,
        data=lambda o, s: {"kind": "photos", "title": "Ảnh hiện trường", "file": _upload()},
        refused={**WRITE_REFUSED, "appraiser": 403},
        writer="commune",
    ),
    Row(
        "verification:posting_add",
        lambda o, s: o.dossier(s, DossierStatus.PUBLIC_CONSULTATION),
        get=None,
        data=lambda o, s: {"posted_on": TODAY.isoformat(), "place": "loudspeaker", "note": "Đài truyền thanh"},
        refused={**WRITE_REFUSED, "approver": 403},
        writer="commune",
    ),
    Row(
        "verification:appraisal_edit",
        lambda o, s: o.council() and o.dossier(s, DossierStatus.UNDER_APPRAISAL, ready=False),
        get=dict.fromkeys(READERS, 403) | {"admin": 200, "appraiser": 200},
        data=lambda o, s: {
            "council": o.council().pk,
            "inspected_on": TODAY.isoformat(),
            "meeting_on": TODAY.isoformat(),
            "members_present": "5",
            "votes_for": "5",
            "votes_against": "0",
            "abstentions": "0",
        },
        refused={**WRITE_REFUSED, "commune": 403, "approver": 403, "province": 403},
        writer="appraiser",
    ),
    Row(
        "verification:publication_add",
        lambda o, s: o.dossier(s, DossierStatus.UNDER_VERIFICATION),
        get=None,
        data=lambda o, s: {"published_on": TODAY.isoformat(), "place": "Cổng thông tin điện tử huyện"},
        refused={"viewer": 403, "front": 403, "commune": 403, "appraiser": 403, "approver": 403},
        writer="verifier",
    ),
    Row(
        "verification:draft_download",
        lambda o, s: o.dossier(s, DossierStatus.UNDER_VERIFICATION),
        args=lambda d: [d.pk, "verification_report"],
    ),  # whoever reads the dossier
    Row(
        "verification:recognition_revocation",
        lambda o, s: o.recognition(s),
        get=_reads(province=403, district=403, commune=403, verifier=403, approver=403, front=403, viewer=403),
        data=lambda o, s: {"comment": "Tiêu chí 10 và 17 không còn đạt"},
        refused={**WRITE_REFUSED, "commune": 403, "approver": 403, "province": 403},
        writer="appraiser",
    ),
    # monitoring
    Row("monitoring:dossier", lambda o, s: o.dossier(s, DossierStatus.UNDER_VERIFICATION, ready=False)),
    Row(
        "monitoring:dossier",
        lambda o, s: o.district_dossier(s),
        get=_reads(commune=404),
        variant="district",
    ),
    Row(
        "monitoring:critique_add",
        lambda o, s: o.dossier(s, DossierStatus.UNDER_VERIFICATION, ready=False),
        get=None,
        data=lambda o, s: {"text": "Đề nghị công khai nguồn vốn"},
        refused={"viewer": 403, "commune": 403, "verifier": 403},
        writer="front",
    ),
    Row(
        "monitoring:survey_add",
        lambda o, s: o.survey_dossier(s),
        get=_reads(province=403, district=403, commune=403, verifier=403, appraiser=403, approver=403, viewer=403),
        data=lambda o, s: {
            "period_start": TODAY.isoformat(),
            "period_end": TODAY.isoformat(),
            f"h{o.hamlet(s).pk}_households_surveyed": "30",
            f"h{o.hamlet(s).pk}_forms_returned": "28",
            f"h{o.hamlet(s).pk}_satisfied": "27",
        },
        refused={"viewer": 403, "commune": 403, "verifier": 403, "province": 403},
        writer="front",
    ),
    Row("monitoring:survey_detail", lambda o, s: o.survey(s)),
    Row(
        "monitoring:survey_edit",
        lambda o, s: o.survey(s),
        get=_reads(province=403, district=403, commune=403, verifier=403, appraiser=403, approver=403, viewer=403),
        data=lambda o, s: {
            "period_start": (TODAY - datetime.timedelta(days=7)).isoformat(),
            "period_end": TODAY.isoformat(),
            f"h{o.hamlet(s).pk}_households_surveyed": "20",
            f"h{o.hamlet(s).pk}_forms_returned": "19",
            f"h{o.hamlet(s).pk}_satisfied": "19",
        },
        refused={"viewer": 403, "commune": 403, "verifier": 403},
        writer="front",
    ),
    Row(
        "monitoring:survey_check",
        lambda o, s: o.completed_survey(s),
        get=None,
        data=lambda o, s: {"checked_on": TODAY.isoformat(), "note": "Khớp với phiếu"},
        refused={"viewer": 403, "commune": 403, "verifier": 403, "district": 403},
        writer="front",
    ),
    Row("monitoring:report_detail", lambda o, s: o.report(s)),
    Row(
        "monitoring:report_edit",
        lambda o, s: o.report(s),
        get=_reads(province=403, district=403, commune=403, verifier=403, appraiser=403, approver=403, viewer=403),
        data=lambda o, s: {
            "title": "Giám sát môi trường (sửa)",
            "period_start": (TODAY - datetime.timedelta(days=10)).isoformat(),
            "period_end": TODAY.isoformat(),
            "summary": "",
        },
        refused={"viewer": 403, "commune": 403, "district": 403},
        writer="front",
    ),
    Row(
        "monitoring:finding_add",
        lambda o, s: o.report(s),
        get=None,
        data=lambda o, s: {"severity": "medium", "description": "Đường hỏng", "recommendation": "Sửa đường"},
        refused={"viewer": 403, "commune": 403, "verifier": 403},
        writer="front",
    ),
    Row(
        "monitoring:finding_action",
        lambda o, s: o.finding(s),
        args=lambda f: [f.pk, "respond"],
        get=None,
        data=lambda o, s: {"response": "Đã thu gom"},
        refused={"viewer": 403, "front": 403, "verifier": 403},
        writer="commune",
        variant="respond",
    ),
    Row(
        "monitoring:finding_action",
        lambda o, s: o.finding(s),
        args=lambda f: [f.pk, "close"],
        get=None,
        data=lambda o, s: {"note": "Đã kiểm tra"},
        refused={"viewer": 403, "commune": 403, "district": 403},
        writer="front",
        variant="close",
    ),
    Row(
        "monitoring:comment_moderate",
        lambda o, s: o.comment(s),
        get=None,
        data=lambda o, s: {"outcome": "accepted"},
        refused={"viewer": 403, "front": 403, "verifier": 403},
        writer="commune",
    ),
    # the read API (signed in through the session here; tests/api covers the tokens): reads only
    Row("api:commune-detail", lambda o, s: o.commune(s), args=lambda c: [c.code]),
    Row(
        "api:district-detail",
        lambda o, s: o.commune(s).district,
        args=lambda d: [d.code],
        get=_reads(commune=404),  # a commune membership does not cover its district
    ),
    Row("api:assessment-detail", lambda o, s: o.assessment(s)),
    Row("api:recognition-detail", lambda o, s: o.recognition(s)),
    Row("api:revocation-detail", lambda o, s: o.revoked_recognition(s)),
    Row("api:dossier-detail", lambda o, s: o.dossier(s, DossierStatus.UNDER_VERIFICATION)),
    Row("api:dossier-detail", lambda o, s: o.district_dossier(s), get=_reads(commune=404), variant="district"),
    Row("api:plan-detail", lambda o, s: o.district_plan(s), neighbour_get=200),
    Row("api:capitalline-detail", lambda o, s: o.line(s)),
]
# Public, without login: its rule is the dossier's status, not a user's scope (test_public_detail_* below); the open
# data are public decisions and year-end figures (tests/api/test_open_data.py).
PUBLIC = {"monitoring:public_detail", "monitoring:public_report", "open_data:file"}
# A background job is its owner's alone, whatever the roles (tests/core/test_jobs.py: everyone else gets 404).
OWNER_ONLY = {"core:job_detail", "core:job_status", "core:job_file"}
# Criteria set workbooks are national reference data behind a Django permission, not a unit scope: every role
# without the permission gets 403 (tests/criteria/test_workbook.py::test_pages_need_the_permission).
# The API's criteria sets are read by every signed-in user, and a province as the province of the units one works
# in (tests/api/test_endpoints.py::test_provinces_and_criteria_sets).
REFERENCE_DATA = {"criteria:set_workbook", "api:criteriaset-detail", "api:province-detail"}


# --- helpers ---------------------------------------------------------------------------------------------------------


def _urls_with_arguments() -> set[str]:
    names = set()

    def walk(patterns, namespace):
        for p in patterns:
            if isinstance(p, URLResolver):
                if p.namespace == "admin":
                    continue
                walk(p.url_patterns, f"{namespace}:{p.namespace}".strip(":") if p.namespace else namespace)
            elif isinstance(p, URLPattern) and p.pattern.regex.groups:
                names.add(f"{namespace}:{p.name}" if namespace else str(p.name))

    walk(get_resolver().url_patterns, "")
    return names


def _snapshot():
    """Every row of the app tables (history included): a refused request must leave all of them as they were."""
    return {
        m._meta.label: list(m._default_manager.order_by("pk").values_list())
        for app in DATA_APPS
        for m in apps.get_app_config(app).get_models()
    }


def _changed(before, after):
    return sorted(label for label in before if before[label] != after[label])


@pytest.fixture
def pb_front(world):
    """A Front monitor of Phú Bình district only: a role that writes on dossiers, outside Đại Từ."""
    office = OfficeFactory(
        name="MTTQ huyện Phú Bình", kind=OfficeKind.FRONT, province=world.province, district=world.phu_binh
    )
    return MembershipFactory(user=UserFactory(username="pb_front"), office=office, role=Role.MONITOR).user


@pytest.fixture
def elsewhere(world):
    """A data-entry officer of another province."""
    office = OfficeFactory(
        name="VP điều phối Hà Giang", kind=OfficeKind.COORDINATION, province=ProvinceFactory(code="02")
    )
    return MembershipFactory(user=UserFactory(username="elsewhere"), office=office, role=Role.EDITOR).user


@pytest.fixture
def matrix(world, make_dossier, pb_front, elsewhere, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    users = {name: getattr(world.users, name) for name in [*READERS, "outsider"]}
    users["pb_front"], users["elsewhere"] = pb_front, elsewhere
    return Objects(world, make_dossier), users


# --- the tests -------------------------------------------------------------------------------------------------------


def test_every_url_with_arguments_is_in_the_matrix():
    assert {row.url for row in ROWS} | PUBLIC | OWNER_ONLY | REFERENCE_DATA == _urls_with_arguments()


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.key)
def test_scope_and_roles(client, matrix, row):
    objects, users = matrix
    urls = {side: reverse(row.url, args=row.args(row.build(objects, side))) for side in SIDES}
    failures = []

    def check(user, method, side, expected, what):
        client.force_login(users[user])
        if method == "get":
            status = client.get(urls[side]).status_code
        else:
            status = client.post(urls[side], row.data(objects, side)).status_code
        if status != expected:
            failures.append(f"{what}: {user} {method.upper()} {urls[side]} → {status}, expected {expected}")

    # Reads inside the scope answer normally; the away object exists (the administrator reads it).
    if row.get is None:
        check("admin", "get", "own", 405, "POST only")
    else:
        for user, expected in row.get.items():
            check(user, "get", "own", expected, "read in scope")
        check("admin", "get", "away", row.get["admin"], "read of the away object by the administrator")

    before = _snapshot()
    # Outside the scope: 404 on GET and POST, whatever the role.
    for user, side in OUTSIDE:
        if row.get is not None:
            check(user, "get", side, 404, "outside the scope")
        if row.data is not None:
            check(user, "post", side, 404, "outside the scope")
    check("commune", "get", "neighbour", row.neighbour_get if row.get is not None else 405, "neighbour commune")
    if row.data is not None:
        check("commune", "post", "neighbour", 404, "neighbour commune")
        # Inside the scope, without the role for this write: refused.
        for user, expected in {"outsider": 404, **row.refused}.items():
            check(user, "post", "own", expected, "write refused")
    assert _changed(before, _snapshot()) == [], failures
    assert failures == []

    if row.writer:
        check(row.writer, "post", "own", 302, "write by the role it is for")
        assert failures == []
        assert _changed(before, _snapshot()), f"{row.writer}'s POST to {urls['own']} changed nothing"


def test_public_detail_answers_only_for_dossiers_in_consultation(client, matrix):
    """No login and no scope: a dossier is public while in consultation, and every other one is not found."""
    objects, users = matrix
    open_ = objects.dossier("own", DossierStatus.PUBLIC_CONSULTATION, ready=False, consultation_started_on=TODAY)
    hidden = objects.dossier("away", DossierStatus.UNDER_VERIFICATION, ready=False)
    assert client.get(reverse("monitoring:public_detail", args=[open_.pk])).status_code == 200
    before = _snapshot()
    for user in [None, "admin", "province"]:
        if user:
            client.force_login(users[user])
        url = reverse("monitoring:public_detail", args=[hidden.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, {"text": "Ý kiến"}).status_code == 404
        assert client.get(reverse("monitoring:public_report", args=[hidden.pk])).status_code == 404
    assert _changed(before, _snapshot()) == []


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.key)
def test_missing_object_is_404_not_an_error(client, matrix, row):
    """The same URL for an object that does not exist (an unknown id, or an unknown commune code)."""
    objects, users = matrix
    args = row.args(row.build(objects, "own"))
    args[0] = 10**9 if isinstance(args[0], int) else "99999"
    url = reverse(row.url, args=args)
    client.force_login(users["admin"])
    assert client.get(url).status_code == (405 if row.get is None else 404)
    if row.data is not None:
        before = _snapshot()
        assert client.post(url, row.data(objects, "own")).status_code == 404
        assert _changed(before, _snapshot()) == []


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("criteria:scorecard", ["05797", 0]),  # linked to year -1: was a server error
        ("criteria:scorecard", ["05797", 99999]),
        ("criteria:scorecard_level", ["05797", 0, "basic"]),
        ("criteria:scorecard_level", ["05797", 2023, "gold"]),
        ("criteria:values_edit", ["05797", 0, "basic"]),
        ("criteria:values_edit", ["05797", 2023, "gold"]),
        ("criteria:gap", ["99999"]),
        ("verification:dossier_transition", [1, "nonsense"]),
        ("monitoring:finding_action", [1, "nonsense"]),
    ],
)
def test_arguments_out_of_range_are_404(client, world, name, args):
    client.force_login(world.users.admin)
    url = reverse(name, args=args)
    assert client.get(url).status_code in (404, 405)
    assert client.post(url, {}).status_code == 404
