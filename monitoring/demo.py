"""Demo Front records for Thái Nguyên: a survey for each live demo dossier (completed, except the one waiting for
the Front), a supervision report on the officer's commune and one on a dossier under verification, with findings
in each state, a critique, and a 2024 dossier in public consultation (the not-yet-NTM xã closest to the standard,
registered for new NTM in the 2024 plan, with its 2024 scorecard) with residents' comments awaiting moderation.

Idempotent: what exists is left alone. Numbers are drawn from a fixed seed, so each run gives the same demo.
"""

import datetime
import random

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext

from communes.choices import CommuneType
from communes.models import Commune, Province
from criteria.choices import StandardLevel, SubjectKind
from criteria.models import Assessment
from register.models import Recognition
from verification.choices import TERMINAL, DocumentKind, DossierStatus, PostingPlace, Route
from verification.demo import document_title
from verification.models import ConsultationPosting, Dossier, DossierDocument, DossierEvent

from .choices import FindingStatus, Moderation, ReportSubject, Severity, SurveyStatus
from .models import (
    Critique,
    Finding,
    PublicComment,
    SatisfactionSurvey,
    SupervisionReport,
    SurveyHamletRow,
    SurveyItemResult,
)
from .selectors import survey_items

PROVINCE_CODE = "19"
OFFICER_COMMUNE = "05917"  # Xã Tân Khánh: the demo commune officer's commune
PLAN_YEAR = 2024  # the year of the dossier in public consultation
SEED = 2025
COMMENTS = [
    (
        "Nguyễn Văn An",
        "Đường trục xóm đã bê tông hóa nhưng rãnh thoát nước còn thiếu, đề nghị bổ sung.",
        Moderation.PENDING,
    ),
    (
        "",
        "Tỷ lệ thu gom rác ở các xóm xa trung tâm chưa đều, xin kiểm tra lại số liệu tiêu chí 17.",
        Moderation.PENDING,
    ),
    ("Trần Thị Bình", "Nhà văn hóa xóm đã được sửa chữa, người dân rất phấn khởi.", Moderation.ACCEPTED),
    ("Hoàng Văn Cường", "Đề nghị công khai danh sách hộ nghèo đa chiều trước khi công nhận.", Moderation.PENDING),
]


def load(*, stdout) -> None:
    province = Province.objects.current().filter(code=PROVINCE_CODE).first()
    users = {
        u.username: u
        for u in get_user_model().objects.filter(username__in=["front", "province", "district", "commune"])
    }
    if province is None or "front" not in users:
        stdout.write(gettext("Monitoring demo: province 19 or the Front user is missing; nothing created."))
        return
    with transaction.atomic():
        surveys = _surveys(province, users["front"])
        reports = _supervision(province, users)
        comments = _consultation(province, users)
    stdout.write(
        gettext(
            "Monitoring demo: {surveys} new surveys, {reports} new supervision reports, {comments} new public comments."
        ).format(surveys=surveys, reports=reports, comments=comments)
    )


def _rows(rng: random.Random, hamlets, *, low: int = 90) -> list[tuple]:
    rows = []
    for hamlet in hamlets:
        surveyed = rng.randint(60, 180)
        returned = surveyed - rng.randint(0, 8)
        satisfied = round(returned * rng.randint(low, 100) / 100)
        rows.append((hamlet, surveyed, returned, satisfied))
    return rows


def _surveys(province, front) -> int:
    """One survey per live dossier that has none: completed, except for the dossier waiting for the Front."""
    created = 0
    now = timezone.now()
    dossiers = (
        Dossier.objects.filter(province=province, subject_kind=SubjectKind.COMMUNE, surveys__isnull=True)
        .exclude(
            status__in=[*TERMINAL, DossierStatus.RECOGNISED, DossierStatus.DRAFT, DossierStatus.PUBLIC_CONSULTATION]
        )
        .select_related("commune")
        .order_by("commune__code")
    )
    for dossier in dossiers:
        hamlets = list(dossier.commune.hamlets.order_by("code"))
        if not hamlets:
            continue
        rng = random.Random(f"{SEED}-{dossier.commune.code}")
        waiting = dossier.status == DossierStatus.FRONT_SURVEY
        start = (dossier.consultation_started_on or now.date()) + datetime.timedelta(days=16)
        end = min(start + datetime.timedelta(days=14), now.date()) if not waiting else now.date()
        survey = SatisfactionSurvey.objects.create(
            dossier=dossier,
            period_start=start,
            period_end=end,
            status=SurveyStatus.IN_PROGRESS if waiting else SurveyStatus.COMPLETED,
            completed_at=None if waiting else now,
            note="" if waiting else "Tổng hợp từ các Ban công tác Mặt trận xóm.",
            # Completed: posted at the hamlets' cultural houses and checked by the province's Front.
            results_posted_on=None if waiting else end,
            checked_on=None if waiting else end,
            checked_by=None if waiting else front,
            check_note="" if waiting else "Đã kiểm tra phiếu và biên bản tổng hợp của các xóm.",
            entered_by=front,
        )
        rows = _rows(rng, hamlets[: max(1, len(hamlets) // 2)] if waiting else hamlets)
        SurveyHamletRow.objects.bulk_create(
            SurveyHamletRow(survey=survey, hamlet=h, households_surveyed=s, forms_returned=r, satisfied=k)
            for h, s, r, k in rows
        )
        if not waiting:
            returned = sum(r for _h, _s, r, _k in rows)
            SurveyItemResult.objects.bulk_create(
                SurveyItemResult(
                    survey=survey,
                    commune=dossier.commune,
                    criterion=item,
                    satisfied=round(returned * rng.randint(92, 100) / 100),
                )
                for item in survey_items(dossier=dossier)
            )
        created += 1
    return created


def _finding(report, severity, description, recommendation, status, users, *, respond_by=None):
    finding, created = Finding.objects.get_or_create(
        report=report,
        description=description,
        defaults={"severity": severity, "recommendation": recommendation, "respond_by": respond_by},
    )
    if not created:
        return
    now = timezone.now()
    responder = users.get("commune") or users.get("province")
    if status in (FindingStatus.ANSWERED, FindingStatus.CLOSED) and responder:
        finding.response = "UBND xã đã giao cán bộ phụ trách khắc phục, dự kiến hoàn thành trong quý."
        finding.responded_by = responder
        finding.responded_at = now - datetime.timedelta(days=3)
        finding.status = FindingStatus.ANSWERED
    if status == FindingStatus.CLOSED:
        finding.status = FindingStatus.CLOSED
        finding.closed_by = users["front"]
        finding.closed_at = now - datetime.timedelta(days=1)
        finding.front_note = "Đã kiểm tra thực tế, đạt yêu cầu."
    finding.save()


def _supervision(province, users) -> int:
    created = 0
    today = timezone.localdate()
    commune = Commune.objects.current().filter(code=OFFICER_COMMUNE).first()
    if commune is not None:
        report, new = SupervisionReport.objects.get_or_create(
            subject_kind=ReportSubject.COMMUNE,
            commune=commune,
            title="Giám sát việc thực hiện tiêu chí Môi trường và an toàn thực phẩm",
            defaults={
                "province_id": commune.province_id,
                "district_id": commune.district_id,
                "period_start": today - datetime.timedelta(days=60),
                "period_end": today - datetime.timedelta(days=30),
                "summary": "Đoàn giám sát của Ủy ban MTTQ tỉnh làm việc tại xã và kiểm tra thực tế ở 4 xóm.",
                "created_by": users["front"],
            },
        )
        created += new
        _finding(
            report,
            Severity.HIGH,
            "Tỷ lệ hộ sử dụng nước sạch theo quy chuẩn mới đạt 82%, thấp hơn mức 90% của chỉ tiêu 17.1 "
            "(xã nông thôn mới nâng cao).",
            "Đẩy nhanh công trình cấp nước tập trung cho các xóm xa trung tâm.",
            FindingStatus.OPEN,
            users,
            respond_by=today - datetime.timedelta(days=5),
        )
        _finding(
            report,
            Severity.MEDIUM,
            "Hồ sơ minh chứng chỉ tiêu an toàn thực phẩm thiếu biên bản kiểm tra các cơ sở kinh doanh.",
            "Bổ sung biên bản kiểm tra và niêm yết kết quả.",
            FindingStatus.ANSWERED,
            users,
            respond_by=today + datetime.timedelta(days=10),
        )
        _finding(
            report,
            Severity.LOW,
            "Bảng tuyên truyền phân loại rác tại nhà văn hóa xóm bị hư hỏng.",
            "Thay mới bảng tuyên truyền.",
            FindingStatus.CLOSED,
            users,
        )
    dossier = (
        Dossier.objects.filter(province=province, status=DossierStatus.UNDER_VERIFICATION)
        .select_related("commune")
        .order_by("id")
        .first()
    )
    if dossier is not None:
        report, new = SupervisionReport.objects.get_or_create(
            subject_kind=ReportSubject.DOSSIER,
            dossier=dossier,
            title=f"Giám sát hồ sơ đề nghị công nhận {dossier.commune.name}",
            defaults={
                "province_id": dossier.province_id,
                "district_id": dossier.district_id,
                "commune_id": dossier.commune_id,
                "period_start": today - datetime.timedelta(days=20),
                "period_end": today - datetime.timedelta(days=10),
                "summary": "Giám sát quá trình lấy ý kiến và tổng hợp ý kiến của nhân dân.",
                "created_by": users["front"],
            },
        )
        created += new
        _finding(
            report,
            Severity.HIGH,
            "Báo cáo tổng hợp ý kiến chưa phản ánh 3 ý kiến của người dân xóm Đồng về giao thông nội đồng.",
            "Bổ sung vào báo cáo tổng hợp ý kiến và giải trình trước khi thẩm tra.",
            FindingStatus.OPEN,
            users,
            respond_by=today + datetime.timedelta(days=7),
        )
        if not dossier.critiques.exists():
            Critique.objects.create(
                dossier=dossier,
                author=users["front"],
                text="Ủy ban MTTQ đề nghị làm rõ nguồn vốn đối ứng của nhân dân trong tiêu chí Giao thông "
                "và công khai kết quả trước khi trình thẩm định.",
            )
    return created


def _consultation_commune(province):
    """A commune not yet NTM (the closest to the standard by its latest basic scorecard) with no dossier yet."""
    recognised = Recognition.objects.filter(subject_kind=SubjectKind.COMMUNE, level=StandardLevel.BASIC)
    latest = Assessment.objects.filter(
        commune_id=OuterRef("pk"), criteria_set__level=StandardLevel.BASIC, criteria_set__subject=SubjectKind.COMMUNE
    ).order_by("-year", "-id")
    return (
        Commune.objects.current()
        .filter(province=province, unit_type=CommuneType.COMMUNE, district__isnull=False)
        .exclude(code=OFFICER_COMMUNE)
        .exclude(pk__in=recognised.values("commune_id"))
        .exclude(pk__in=Dossier.objects.values("commune_id").exclude(commune_id=None))
        .annotate(met=Subquery(latest.values("criteria_met")[:1]))
        .select_related("district")
        .order_by("-met", "code")
        .first()
    )


def _scorecard(commune) -> None:
    """Its 2024 basic scorecard (every criterion met: the commune consults on reaching the standard), when the
    criteria demo is there."""
    try:
        from criteria.demo import scorecards_ensure
    except ImportError:
        return
    scorecards_ensure(wanted=[(commune, StandardLevel.BASIC)], year=PLAN_YEAR)


def _consultation(province, users) -> int:
    """A dossier in public consultation (opened 4 days ago, 2 postings) and residents' comments on it."""
    editor = users.get("province")
    if editor is None:
        return 0
    dossier = Dossier.objects.filter(province=province, status=DossierStatus.PUBLIC_CONSULTATION).order_by("id").first()
    if dossier is None:
        commune = _consultation_commune(province)
        if commune is None:
            return 0
        _scorecard(commune)
        now = timezone.now()
        started = timezone.localdate() - datetime.timedelta(days=4)
        dossier = Dossier.objects.create(
            subject_kind=SubjectKind.COMMUNE,
            province=province,
            district=commune.district,
            commune=commune,
            level=StandardLevel.BASIC,
            year=PLAN_YEAR,
            route=Route.DISTRICT_TIER if province.has_district_tier else Route.PROVINCIAL,
            status=DossierStatus.PUBLIC_CONSULTATION,
            status_changed_at=now - datetime.timedelta(days=4),
            consultation_started_on=started,
            created_by=editor,
        )
        DossierDocument.objects.create(
            dossier=dossier,
            kind=DocumentKind.RESULTS_REPORT,
            title=document_title(DocumentKind.RESULTS_REPORT, commune, StandardLevel.BASIC, PLAN_YEAR),
            file=ContentFile(b"%PDF-1.4\n% demo document\n", name=f"{commune.code}-results_report.pdf"),
            uploaded_by=editor,
        )
        DossierEvent.objects.bulk_create(
            [
                DossierEvent(
                    dossier=dossier,
                    action="open",
                    from_status=DossierStatus.DRAFT,
                    to_status=DossierStatus.DRAFT,
                    actor=editor,
                    at=now - datetime.timedelta(days=10),
                ),
                DossierEvent(
                    dossier=dossier,
                    action="open_consultation",
                    from_status=DossierStatus.DRAFT,
                    to_status=DossierStatus.PUBLIC_CONSULTATION,
                    actor=editor,
                    at=now - datetime.timedelta(days=4),
                ),
            ]
        )
        ConsultationPosting.objects.bulk_create(
            ConsultationPosting(
                dossier=dossier,
                posted_on=started + datetime.timedelta(days=2 * i),
                place=place,
                note=f"Lần {i + 1}",
                recorded_by=editor,
            )
            for i, place in enumerate([PostingPlace.COMMUNE_OFFICE, PostingPlace.LOUDSPEAKER])
        )
    if dossier.public_comments.exists():
        return 0
    now = timezone.now()
    comments = []
    for i, (name, text, outcome) in enumerate(COMMENTS):
        moderated = outcome != Moderation.PENDING
        comments.append(
            PublicComment(
                dossier=dossier,
                author_name=name,
                text=text,
                submitted_at=now - datetime.timedelta(days=3, hours=-5 * i),
                outcome=outcome,
                moderated_by=editor if moderated else None,
                moderated_at=now - datetime.timedelta(days=1) if moderated else None,
            )
        )
    PublicComment.objects.bulk_create(comments)
    return len(comments)
