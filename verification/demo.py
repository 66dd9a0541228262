"""Demo recognitions for Thái Nguyên at the end of 2023, and a few live 2024 dossiers waiting in each queue.

Figures (published, see shared docs domain.md §11): 118 of 126 xã NTM, 33 advanced, 10 model, 104 model hamlets,
6 of 9 district-level units. Which communes hold which level comes from `criteria.demo.demo_levels()` (so the
scorecards and the register agree); every xã of a recognised district-level unit is NTM before the unit's decision.
Decision numbers and dates are generated (marked "(demo)") and spread over 2011–2023 so that "as of the end of
year" figures grow; the one real decision used is Phú Bình's 567/QĐ-TTg of May 2023 (the day of the month is not
verified). Hamlets are those the communes demo created; the register counts only what exists.

The live dossiers are for 2024, the plan year: their communes are `criteria.demo.live_dossier_picks()` (which the
programs demo also reads to register them), each waiting at the step `LIVE_STATUS` names. Each commune gets its 2024
scorecards up to the dossier's level with every criterion met (`criteria.demo.scorecards_ensure`), so the queues can
be worked to a decision; a dossier past submission relies on its scorecard, locked once appraised. No dossier is created for Xã Tân Khánh (05917): the browser journey opens it.
Document titles are the documents' own (Vietnamese) titles, whatever the language of the loading process.
"""

import datetime
import random

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from communes.choices import CommuneType
from communes.models import Commune, District, Hamlet, Province
from criteria.choices import StandardLevel, SubjectKind
from register.models import Recognition

from .choices import (
    COMMUNE_STAGE,
    DocumentKind,
    DossierStatus,
    NotificationKind,
    PostingPlace,
    Route,
    SecurityStatus,
    stage_of,
)
from .models import ConsultationPosting, Dossier, DossierDocument, DossierEvent, Notification

PROVINCE_CODE = "19"
OFFICER_COMMUNE = "05917"  # the browser journey opens this commune's dossier
SEED = 2011
PLAN_YEAR = 2024  # the year of the live dossiers
MODEL_HAMLETS = 104
DEMO = "(demo)"
# District-level units recognised (code → decision date, number, signer if known). Only Phú Bình's number is real.
DISTRICTS = {
    "164": (datetime.date(2016, 11, 15), f"1580/QĐ-TTg {DEMO}", ""),
    "165": (datetime.date(2018, 12, 10), f"1702/QĐ-TTg {DEMO}", ""),
    "172": (datetime.date(2020, 12, 18), f"2135/QĐ-TTg {DEMO}", ""),
    "171": (datetime.date(2022, 10, 25), f"1301/QĐ-TTg {DEMO}", ""),
    "173": (datetime.date(2023, 5, 22), "567/QĐ-TTg", ""),
    "167": (datetime.date(2023, 12, 12), f"1621/QĐ-TTg {DEMO}", ""),
}
PROVINCE_BODY = "UBND tỉnh Thái Nguyên"
PROVINCE_SIGNER = "Chủ tịch UBND tỉnh"


def _levels(communes: dict[str, Commune]) -> dict[str, str | None]:
    try:
        from criteria.demo import demo_levels
    except ImportError:
        demo_levels = None
    if demo_levels is not None:
        return demo_levels()
    # Fallback (criteria demo absent), the same rule: the xã not yet NTM all lie in districts not recognised; then
    # 33 advanced among the NTM ones (never the demo commune) and 10 model among those.
    rng = random.Random(SEED)
    codes = sorted(communes)
    unrecognised = [c for c in codes if communes[c].district and communes[c].district.code not in DISTRICTS]
    not_ntm = set(rng.sample(unrecognised, len(codes) - 118))
    ntm = [c for c in codes if c not in not_ntm]
    advanced = sorted(rng.sample([c for c in ntm if c != OFFICER_COMMUNE], 33))
    model = set(rng.sample(advanced, 10))
    return {
        c: StandardLevel.MODEL
        if c in model
        else StandardLevel.ADVANCED
        if c in advanced
        else StandardLevel.BASIC
        if c in ntm
        else None
        for c in codes
    }


def _decision_date(rng: random.Random, year: int, before: datetime.date | None = None) -> datetime.date:
    day = datetime.date(year, rng.randint(8, 12), rng.randint(1, 28))
    if before is not None and day >= before:
        day = before - datetime.timedelta(days=rng.randint(30, 120))
    return day


def _commune_plan(communes: dict[str, Commune], levels: dict[str, str | None]) -> list[dict]:
    """One row per (commune, level) recognised, with decision dates in a sensible order."""
    rng = random.Random(SEED)
    rows = []
    decision_numbers: dict[tuple, str] = {}
    for code in sorted(levels):
        level = levels[code]
        commune = communes.get(code)
        if level is None or commune is None:
            continue
        district_date = DISTRICTS.get(commune.district.code, (None,))[0] if commune.district else None
        if level == StandardLevel.MODEL:
            years = {StandardLevel.BASIC: rng.randint(2011, 2015), StandardLevel.ADVANCED: rng.randint(2019, 2021)}
            years[StandardLevel.MODEL] = rng.randint(2022, 2023)
        elif level == StandardLevel.ADVANCED:
            years = {StandardLevel.BASIC: rng.randint(2011, 2018), StandardLevel.ADVANCED: rng.randint(2019, 2023)}
        else:
            last = district_date.year - 1 if district_date else 2023
            years = {StandardLevel.BASIC: rng.randint(2011, max(2011, last))}
        for lvl, year in years.items():
            before = district_date if lvl == StandardLevel.BASIC else None
            decided = _decision_date(rng, year, before)
            key = (lvl, decided.year, commune.district_id)
            if key not in decision_numbers:
                decision_numbers[key] = f"{rng.randint(100, 3999)}/QĐ-UBND {DEMO}"
            rows.append(
                {
                    "commune": commune,
                    "level": lvl,
                    "year": decided.year,
                    "decision_date": decided,
                    "decision_number": decision_numbers[key],
                }
            )
    return rows


def load(*, stdout) -> None:
    province = Province.objects.current().filter(code=PROVINCE_CODE).first()
    if province is None:
        stdout.write(gettext("Verification demo: province 19 is not loaded; nothing created."))
        return
    User = get_user_model()
    users = {
        u.username: u
        for u in User.objects.filter(
            username__in=["admin", "province", "district", "verifier", "appraiser", "approver"]
        )
    }
    recorder = users.get("admin")
    communes = {
        c.code: c
        for c in Commune.objects.current()
        .filter(province=province, unit_type=CommuneType.COMMUNE)
        .select_related("district", "province")
    }
    levels = _levels(communes)
    existing = set(
        Recognition.objects.filter(subject_kind=SubjectKind.COMMUNE, commune__province=province).values_list(
            "commune_id", "level"
        )
    )
    new = [
        Recognition(
            subject_kind=SubjectKind.COMMUNE,
            commune=row["commune"],
            level=row["level"],
            year=row["year"],
            decision_number=row["decision_number"],
            decision_date=row["decision_date"],
            signer=PROVINCE_SIGNER,
            issuing_body=PROVINCE_BODY,
            recorded_by=recorder,
        )
        for row in _commune_plan(communes, levels)
        if (row["commune"].pk, row["level"]) not in existing
    ]
    _hamlets(province, levels, communes, recorder, new, stdout)
    _districts(province, recorder, new)
    for rec in new:
        rec.full_clean()
    Recognition.objects.bulk_create(new, batch_size=500)
    _live_dossiers(province, communes, levels, users, stdout)
    today = datetime.date(2023, 12, 31)
    in_force = Recognition.objects.in_force_on(today).filter(
        Q(commune__province=province) | Q(district__province=province)
    )
    counts = {
        (kind, level): in_force.filter(subject_kind=kind, level=level).count()
        for kind, level in [
            (SubjectKind.COMMUNE, StandardLevel.BASIC),
            (SubjectKind.COMMUNE, StandardLevel.ADVANCED),
            (SubjectKind.COMMUNE, StandardLevel.MODEL),
            (SubjectKind.HAMLET, StandardLevel.MODEL),
            (SubjectKind.DISTRICT, StandardLevel.BASIC),
        ]
    }
    stdout.write(
        gettext(
            "Recognitions in force at 31/12/2023: {} NTM, {} advanced, {} model communes; {} model hamlets; "
            "{} district-level units. Dossiers in the queues: {}."
        ).format(*counts.values(), Dossier.objects.filter(province=province).exclude(stage="").count())
    )


def _hamlets(province, levels, communes, recorder, new, stdout) -> None:
    if Recognition.objects.filter(subject_kind=SubjectKind.HAMLET, commune__province=province).exists():
        return
    ntm_ids = [communes[c].pk for c, level in levels.items() if level and c in communes]
    candidates = list(Hamlet.objects.filter(commune_id__in=ntm_ids).select_related("commune").order_by("code"))
    rng = random.Random(SEED + 1)
    chosen = sorted(rng.sample(candidates, min(MODEL_HAMLETS, len(candidates))), key=lambda h: h.code)
    if len(chosen) < MODEL_HAMLETS:
        stdout.write(
            gettext(
                "Verification demo: only {found} hamlets in NTM communes; {published} model hamlets are published. "
                "Load the communes demo (hamlets) first for the full figure."
            ).format(found=len(candidates), published=MODEL_HAMLETS)
        )
    for hamlet in chosen:
        decided = _decision_date(rng, rng.randint(2019, 2023))
        new.append(
            Recognition(
                subject_kind=SubjectKind.HAMLET,
                hamlet=hamlet,
                commune=hamlet.commune,
                level=StandardLevel.MODEL,
                year=decided.year,
                decision_number=f"{rng.randint(100, 3999)}/QĐ-UBND {DEMO}",
                decision_date=decided,
                signer=PROVINCE_SIGNER,
                issuing_body=PROVINCE_BODY,
                recorded_by=recorder,
            )
        )


def _districts(province, recorder, new) -> None:
    done = set(
        Recognition.objects.filter(subject_kind=SubjectKind.DISTRICT, district__province=province).values_list(
            "district__code", flat=True
        )
    )
    for district in District.objects.current().filter(province=province, code__in=DISTRICTS).exclude(code__in=done):
        decided, number, signer = DISTRICTS[district.code]
        new.append(
            Recognition(
                subject_kind=SubjectKind.DISTRICT,
                district=district,
                level=StandardLevel.BASIC,
                year=decided.year - 1 if decided.month < 7 else decided.year,
                decision_number=number,
                decision_date=decided,
                signer=signer,
                issuing_body="Thủ tướng Chính phủ",
                recorded_by=recorder,
            )
        )


# --- live dossiers -----------------------------------------------------------------------------------------------

# Where each of criteria.demo.LIVE_DOSSIERS waits, row by row: (status, days in the queue).
LIVE_STATUS = [
    (DossierStatus.SUBMITTED, 3),
    (DossierStatus.UNDER_VERIFICATION, 12),
    (DossierStatus.FRONT_SURVEY, 0),
    (DossierStatus.VERIFIED, 5),
    (DossierStatus.UNDER_APPRAISAL, 20),
    (DossierStatus.APPRAISED, 4),
]
STEPS = [
    ("open_consultation", DossierStatus.DRAFT, DossierStatus.PUBLIC_CONSULTATION, "district"),
    ("close_consultation", DossierStatus.PUBLIC_CONSULTATION, DossierStatus.FRONT_SURVEY, "district"),
    ("submit", DossierStatus.FRONT_SURVEY, DossierStatus.SUBMITTED, "district"),
    ("start_verification", DossierStatus.SUBMITTED, DossierStatus.UNDER_VERIFICATION, "verifier"),
    ("verify", DossierStatus.UNDER_VERIFICATION, DossierStatus.VERIFIED, "verifier"),
    ("start_appraisal", DossierStatus.VERIFIED, DossierStatus.UNDER_APPRAISAL, "appraiser"),
    ("appraise", DossierStatus.UNDER_APPRAISAL, DossierStatus.APPRAISED, "appraiser"),
]
QUEUE_USER = {"verification": "verifier", "appraisal": "appraiser", "decision": "approver"}

# The documents' own titles (Vietnamese content, never the interface's labels): kind → title before "– <commune>".
LEVEL_NAMES = {
    StandardLevel.BASIC: "nông thôn mới",
    StandardLevel.ADVANCED: "nông thôn mới nâng cao",
    StandardLevel.MODEL: "nông thôn mới kiểu mẫu",
}
DOCUMENT_TITLES = {
    DocumentKind.REQUEST_LETTER: "Tờ trình đề nghị thẩm tra, xét công nhận xã đạt chuẩn {level} năm {year}",
    DocumentKind.RESULTS_REPORT: "Báo cáo kết quả xây dựng xã {level} năm {year}",
    DocumentKind.COMMENTS_SUMMARY: "Báo cáo tổng hợp ý kiến của người dân",
    DocumentKind.FRONT_COMMENTS: "Văn bản góp ý của Ủy ban MTTQ và các tổ chức chính trị - xã hội",
    DocumentKind.SATISFACTION_REPORT: "Báo cáo kết quả lấy ý kiến sự hài lòng của người dân",
    DocumentKind.MINUTES: "Biên bản cuộc họp đề nghị xét công nhận xã đạt chuẩn {level}",
    DocumentKind.DEBT_REPORT: "Báo cáo tình hình nợ đọng xây dựng cơ bản",
    DocumentKind.PHOTOS: "Hình ảnh minh chứng kết quả thực hiện các tiêu chí",
    DocumentKind.VERIFICATION_REPORT: "Báo cáo kết quả thẩm tra hồ sơ và mức độ đạt chuẩn các tiêu chí {level}",
    DocumentKind.APPRAISAL_MINUTES: "Biên bản họp Hội đồng thẩm định xét công nhận xã đạt chuẩn {level} năm {year}",
    DocumentKind.SUBMISSION: "Tờ trình đề nghị công nhận xã đạt chuẩn {level} năm {year}",
}
# The demo's appraisal council (names are generated; the roles and positions follow provincial practice).
COUNCIL_NAME = "Hội đồng thẩm định xét công nhận xã đạt chuẩn NTM, NTM nâng cao, NTM kiểu mẫu tỉnh Thái Nguyên"
COUNCIL_MEMBERS = [
    ("Nguyễn Văn Hòa (demo)", "Phó Chủ tịch UBND tỉnh", "chair"),
    ("Trần Minh Đức (demo)", "Giám đốc Sở Nông nghiệp và Phát triển nông thôn", "vice_chair"),
    ("Lê Thị Thu (demo)", "Chánh Văn phòng Điều phối NTM tỉnh", "standing"),
    ("Phạm Quốc Hưng (demo)", "Phó Giám đốc Sở Tài chính", "member"),
    ("Hoàng Thị Lan (demo)", "Phó Giám đốc Sở Kế hoạch và Đầu tư", "member"),
    ("Đỗ Văn Bình (demo)", "Phó Giám đốc Sở Xây dựng", "member"),
    ("Vũ Thị Hạnh (demo)", "Phó Giám đốc Sở Y tế", "member"),
    ("Ngô Văn Sơn (demo)", "Phó Giám đốc Sở Giáo dục và Đào tạo", "member"),
    ("Bùi Thị Mai (demo)", "Phó Giám đốc Sở Tài nguyên và Môi trường", "member"),
    ("Đinh Văn Long (demo)", "Phó Chủ tịch Ủy ban MTTQ tỉnh", "member"),
    ("Lương Thị Hà (demo)", "Phó Chánh Văn phòng Điều phối NTM tỉnh", "secretary"),
]


def council_ensure(province):
    """The province's appraisal council with its members (created once)."""
    from .models import AppraisalCouncil, CouncilMember

    council, created = AppraisalCouncil.objects.get_or_create(
        province=province, name=COUNCIL_NAME, defaults={"established_by": f"1152/QĐ-UBND ngày 20/5/2022 {DEMO}"}
    )
    if created:
        CouncilMember.objects.bulk_create(
            CouncilMember(council=council, name=name, position=position, role=role, order=i)
            for i, (name, position, role) in enumerate(COUNCIL_MEMBERS)
        )
    return council


def document_title(kind: str, commune: Commune, level: str, year: int) -> str:
    """A demo document's title, e.g. "Báo cáo tổng hợp ý kiến của người dân – Xã Bàn Đạt"."""
    return "{} – {}".format(DOCUMENT_TITLES[kind].format(level=LEVEL_NAMES[level], year=year), commune.name)


def live_dossier_picks(levels: dict[str, str | None], district_of: dict[str, str]) -> list[tuple]:
    """(commune code, level asked, status, days in the queue) of each live dossier: the communes criteria's demo
    picks for its LIVE_DOSSIERS rows, with where each one waits. `district_of`: commune code → district code."""
    from criteria.demo import live_dossier_picks as picks

    return [(code, wanted, *LIVE_STATUS[row]) for row, code, wanted in picks(levels, district_of)]


def _scorecards(communes, picks) -> dict[str, object]:
    """The 2024 scorecards of the picked communes (every criterion met, up to the level asked), created when
    missing; commune code → the one at the level asked. Nothing when the criteria demo is absent."""
    try:
        from criteria.demo import scorecards_ensure
        from criteria.selectors import latest_assessment
    except ImportError:
        return {}
    scorecards_ensure(wanted=[(communes[code], wanted) for code, wanted, _status, _days in picks], year=PLAN_YEAR)
    found = {}
    for code, wanted, _status, _days in picks:
        found[code] = latest_assessment(commune=communes[code], level=wanted, year=PLAN_YEAR)
    return found


def _lock(assessment, actor, dossier) -> None:
    from criteria.services import assessment_lock

    assessment_lock(
        assessment=assessment,
        actor=actor,
        reason=f"Hồ sơ đề nghị công nhận {dossier.commune.name} năm {dossier.year} dựa trên bảng kết quả này: "
        "đã thẩm định.",
    )


def _appraisal(dossier, council, appraiser, *, voted: bool, now) -> None:
    """The council's field inspection (and, once appraised, its meeting and unanimous vote)."""
    from .models import Appraisal

    present = len(COUNCIL_MEMBERS) - 1
    Appraisal.objects.create(
        dossier=dossier,
        council=council,
        inspected_on=(now - datetime.timedelta(days=8)).date(),
        places_visited="Trụ sở UBND xã, nhà văn hóa 3 xóm, trường học, trạm y tế, điểm thu gom rác",
        inspection_findings="Các công trình hạ tầng được duy tu; cảnh quan, môi trường xanh - sạch - đẹp.",
        meeting_on=(now - datetime.timedelta(days=5)).date() if voted else None,
        members_present=present if voted else None,
        votes_for=present if voted else None,
        conclusion="Hội đồng thống nhất đề nghị công nhận xã đạt chuẩn." if voted else "",
        recorded_by=appraiser,
    )


def _live_dossiers(province, communes, levels, users, stdout) -> None:
    if Dossier.objects.filter(province=province).exists() or not {
        "admin",
        "province",
        "district",
        "verifier",
        "appraiser",
        "approver",
    } <= set(users):
        return
    picks = live_dossier_picks(levels, {c: x.district.code for c, x in communes.items() if x.district})
    scorecards = _scorecards(communes, picks)
    council = council_ensure(province)
    now = timezone.now()
    for code, wanted, status, days in picks:
        commune = communes[code]
        district_code = commune.district.code
        # Outside Phú Bình no district verifier exists in the demo: the admin stands in for the district's team.
        actors = {**users, "verifier": users["verifier"] if district_code == "173" else users["admin"]}
        if district_code != "173":
            actors["district"] = users["province"]
        started = now - datetime.timedelta(days=days + 40)
        stage = stage_of(status, Route.DISTRICT_TIER) or ""
        steps = []
        for step in STEPS:
            if step[1] == status:
                break
            steps.append(step)
        # Past the commune stage the dossier relies on the scorecard fixed at submission, locked once appraised.
        assessment = scorecards.get(code) if status not in COMMUNE_STAGE else None
        dossier = Dossier.objects.create(
            subject_kind=SubjectKind.COMMUNE,
            province=province,
            district=commune.district,
            commune=commune,
            level=wanted,
            year=PLAN_YEAR,
            route=Route.DISTRICT_TIER,
            status=status,
            status_changed_at=now - datetime.timedelta(days=days),
            stage=stage,
            stage_entered_at=now - datetime.timedelta(days=days) if stage else None,
            due_on=(now - datetime.timedelta(days=days)).date() + datetime.timedelta(days=15) if stage else None,
            consultation_started_on=started.date(),
            security_status=SecurityStatus.NOT_COMPLEX
            if status in (DossierStatus.VERIFIED, DossierStatus.UNDER_APPRAISAL, DossierStatus.APPRAISED)
            else SecurityStatus.UNKNOWN,
            assessment=assessment,
            created_by=actors["district"],
        )
        if assessment is not None and any(action == "appraise" for action, *_rest in steps):
            _lock(assessment, actors["appraiser"], dossier)
        for kind in [*DocumentKind.values]:
            if kind in (
                DocumentKind.OTHER,
                DocumentKind.DECISION,
                DocumentKind.APPRAISAL_REPORT,
                DocumentKind.CENTRAL_APPRAISAL,
            ):
                continue
            if kind == DocumentKind.VERIFICATION_REPORT and status in (
                DossierStatus.FRONT_SURVEY,
                DossierStatus.SUBMITTED,
            ):
                continue
            if kind in (DocumentKind.APPRAISAL_MINUTES, DocumentKind.SUBMISSION) and status != DossierStatus.APPRAISED:
                continue
            DossierDocument.objects.create(
                dossier=dossier,
                kind=kind,
                title=document_title(kind, commune, wanted, PLAN_YEAR),
                file=ContentFile(b"%PDF-1.4\n% demo document\n", name=f"{code}-{kind}.pdf"),
                uploaded_by=actors["district"],
            )
        if status in (DossierStatus.UNDER_APPRAISAL, DossierStatus.APPRAISED):
            _appraisal(dossier, council, actors["appraiser"], voted=status == DossierStatus.APPRAISED, now=now)
        places = list(PostingPlace.values)
        ConsultationPosting.objects.bulk_create(
            ConsultationPosting(
                dossier=dossier,
                posted_on=started.date() + datetime.timedelta(days=2 * i),
                place=places[i % 3],
                note=f"Lần {i + 1}",
                recorded_by=actors["district"],
            )
            for i in range(5)
        )
        arrived = now - datetime.timedelta(days=days)
        events = [
            DossierEvent(
                dossier=dossier,
                action="open",
                from_status=DossierStatus.DRAFT,
                to_status=DossierStatus.DRAFT,
                actor=actors["district"],
                at=started - datetime.timedelta(days=5),
            )
        ]
        gap = (arrived - started) / max(len(steps), 1)
        for i, (action, source, target, who) in enumerate(steps):
            at = arrived if i == len(steps) - 1 else started + gap * i
            events.append(
                DossierEvent(
                    dossier=dossier, action=action, from_status=source, to_status=target, actor=actors[who], at=at
                )
            )
        DossierEvent.objects.bulk_create(events)
        if stage:
            Notification.objects.create(
                recipient=users[QUEUE_USER[stage]],
                dossier=dossier,
                event=DossierEvent.objects.filter(dossier=dossier).latest("at", "id"),
                kind=NotificationKind.ARRIVED,
                created_at=now - datetime.timedelta(days=days),
            )
