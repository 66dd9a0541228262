"""The standard documents of a dossier drafted from its records as .docx (docxtpl over the templates in
`verification/docx/`, Nghị định 30/2020 layout): the commune's report on results with its scorecard table, the
verification report, the appraisal council's minutes with the vote, the coordination office's submission (tờ trình)
and the draft decision with its annex list. The officer downloads a draft, edits and signs it, and uploads the signed
copy, which the gates then require.

The documents' text is Vietnamese whatever the interface language: it is what the offices sign.
"""

import io
import re
from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from docxtpl import DocxTemplate

from criteria.choices import StandardLevel, SubjectKind

from . import gates, registry
from .choices import PROVINCE_APPRAISES, CouncilRole, DocumentKind, DossierStatus, Route
from .docx.build import FOLDER
from .models import Appraisal, Dossier

LEVEL_WORDS = {
    StandardLevel.BASIC: "nông thôn mới",
    StandardLevel.ADVANCED: "nông thôn mới nâng cao",
    StandardLevel.MODEL: "nông thôn mới kiểu mẫu",
    StandardLevel.MODERN: "nông thôn mới hiện đại",
}
ROLE_WORDS = {
    CouncilRole.CHAIR: "Chủ tịch Hội đồng",
    CouncilRole.VICE_CHAIR: "Phó Chủ tịch Hội đồng",
    CouncilRole.STANDING: "Ủy viên thường trực",
    CouncilRole.MEMBER: "Ủy viên",
    CouncilRole.SECRETARY: "Thư ký",
}
_TYPE_PREFIX = re.compile(r"^(Tỉnh|Thành phố|Huyện|Thị xã|Quận|Xã|Phường|Thị trấn)\s+", re.IGNORECASE)


@dataclass(frozen=True)
class Draft:
    kind: str  # a DocumentKind: the signed copy is uploaded as this kind
    filename: str
    statuses: frozenset  # the dossier statuses in which the draft is offered


_AFTER_SUBMISSION = frozenset(
    {
        DossierStatus.SUBMITTED,
        DossierStatus.UNDER_VERIFICATION,
        DossierStatus.VERIFIED,
        DossierStatus.UNDER_APPRAISAL,
        DossierStatus.APPRAISED,
        DossierStatus.RECOGNISED,
    }
)
DRAFTS = {
    "results_report": Draft(
        DocumentKind.RESULTS_REPORT,
        "bao-cao-ket-qua",
        frozenset({DossierStatus.DRAFT, DossierStatus.PUBLIC_CONSULTATION, DossierStatus.FRONT_SURVEY}),
    ),
    "verification_report": Draft(DocumentKind.VERIFICATION_REPORT, "bao-cao-tham-tra", _AFTER_SUBMISSION),
    "appraisal_minutes": Draft(
        DocumentKind.APPRAISAL_MINUTES,
        "bien-ban-tham-dinh",
        frozenset({DossierStatus.UNDER_APPRAISAL, DossierStatus.APPRAISED, DossierStatus.RECOGNISED}),
    ),
    "submission": Draft(
        DocumentKind.SUBMISSION,
        "to-trinh",
        frozenset(
            {DossierStatus.VERIFIED, DossierStatus.UNDER_APPRAISAL, DossierStatus.APPRAISED, DossierStatus.RECOGNISED}
        ),
    ),
    "decision": Draft(
        DocumentKind.DECISION,
        "du-thao-quyet-dinh",
        frozenset({DossierStatus.VERIFIED, DossierStatus.APPRAISED, DossierStatus.RECOGNISED}),
    ),
}


def available(dossier: Dossier) -> list[str]:
    """The drafts offered for the dossier at its status (the council's minutes only where a council appraises)."""
    names = [name for name, d in DRAFTS.items() if dossier.status in d.statuses]
    if dossier.route not in PROVINCE_APPRAISES:
        names = [n for n in names if n != "appraisal_minutes"]
    if dossier.route in PROVINCE_APPRAISES and dossier.status == DossierStatus.VERIFIED:  # the council comes first
        names = [n for n in names if n != "decision"]
    return names


def plain_name(unit) -> str:
    """ "Tân Khánh" for "Xã Tân Khánh": the place name a document's date line uses."""
    return _TYPE_PREFIX.sub("", str(getattr(unit, "name", unit)))


def _criteria_rows(dossier: Dossier) -> tuple[list[dict], int, int, int | None]:
    """One row per indicator of the scorecard the dossier relies on (commune dossiers), with its criterion."""
    from criteria.selectors import scorecard

    if dossier.subject_kind != SubjectKind.COMMUNE:
        return [], 0, 0, None
    assessment = gates.relied_on_assessment(dossier)
    if assessment is None:
        return [], 0, 0, None
    rows = []
    for row in scorecard(assessment=assessment).rows:
        for i, ind in enumerate(row.indicators or [None]):
            rows.append(
                {
                    "number": row.criterion.number if i == 0 else "",
                    "criterion": row.criterion.name if i == 0 else "",
                    "indicator": f"{ind.indicator.code} {ind.indicator.name}" if ind else "",
                    "target": ind.target_display if ind else "",
                    "value": ind.value_display if ind else "",
                    "assessed": ("Đạt" if (ind.is_met if ind else row.is_met) else "Chưa đạt"),
                }
            )
    return rows, assessment.criteria_met, assessment.criteria_total, assessment.year


def _day(on: date | None) -> dict:
    on = on or timezone.localdate()
    return {"day": f"{on.day:02d}", "month": f"{on.month:02d}", "year": on.year}


def _rate(dossier) -> str:
    if not registry.satisfaction_rate.provided:
        return "…"
    rate = registry.satisfaction_rate.get()(dossier=dossier)
    return "…" if rate is None else f"{rate:.2f}".replace(".", ",")


def _province_words(dossier) -> tuple[str, str]:
    name = plain_name(dossier.province)
    return f"UBND TỈNH {name.upper()}", name


def context(dossier: Dossier, name: str) -> dict:
    """The values a draft's template is filled with."""
    level = LEVEL_WORDS.get(dossier.level, dossier.level)
    unit = dossier.subject
    unit_kind = {SubjectKind.COMMUNE: "xã", SubjectKind.HAMLET: "thôn, xóm", SubjectKind.DISTRICT: "huyện"}[
        dossier.subject_kind
    ]
    rows, met, total, assessed = _criteria_rows(dossier)
    province_upper, province = _province_words(dossier)
    district = dossier.district
    base = {
        "criteria": rows,
        "met": met,
        "total": total or "…",
        "year_assessed": assessed or dossier.year,
        "addressee": "",
        "recipients": [],
        "signer_name": "",
        "closing": [],
        **_day(None),
    }
    rate = _rate(dossier)
    if name == "results_report":
        commune = dossier.commune or unit
        return {
            **base,
            "issuer_parent": f"UBND {str(district).upper()}" if district else province_upper,
            "issuer": f"ỦY BAN NHÂN DÂN {str(commune.name).upper()}",
            "number": "…/BC-UBND",
            "place": plain_name(commune),
            "doc_type": "BÁO CÁO",
            "title": f"Kết quả xây dựng {unit_kind} {level} năm {dossier.year} của {unit}",
            "body": [
                f"Thực hiện Quyết định số 18/2022/QĐ-TTg ngày 02/8/2022 của Thủ tướng Chính phủ, Ủy ban nhân dân "
                f"{commune} báo cáo kết quả xây dựng {unit_kind} {level} năm {dossier.year} của {unit} như sau:",
                "Báo cáo đã được gửi Ủy ban Mặt trận Tổ quốc và các tổ chức chính trị - xã hội để tham gia ý kiến, "
                "niêm yết công khai tại trụ sở UBND xã, nhà văn hóa các thôn, xóm và thông báo trên hệ thống "
                "truyền thanh của xã ít nhất 5 lần trong 15 ngày.",
            ],
            "closing": [
                f"Tỷ lệ người dân hài lòng với kết quả xây dựng nông thôn mới: {rate}%.",
                f"Ủy ban nhân dân {commune} đề nghị cấp có thẩm quyền thẩm tra, xét công nhận {unit} đạt chuẩn "
                f"{level} năm {dossier.year}.",
            ],
            # The report goes to the level that verifies: the district, or the province where there is none.
            "recipients": [
                "UBND huyện (để báo cáo)" if dossier.route == Route.DISTRICT_TIER else "UBND tỉnh (để báo cáo)",
                "Ủy ban MTTQ xã",
                "Các thôn, xóm (để niêm yết)",
            ],
            "sign_for": "TM. ỦY BAN NHÂN DÂN",
            "signer_title": "CHỦ TỊCH",
        }
    if name == "verification_report":
        verifier = (
            f"ỦY BAN NHÂN DÂN {str(district).upper()}"
            if dossier.route == Route.DISTRICT_TIER and district
            else f"ỦY BAN NHÂN DÂN {str(dossier.province).upper()}"
        )
        return {
            **base,
            "issuer_parent": province_upper if dossier.route == Route.DISTRICT_TIER else "",
            "issuer": verifier,
            "number": "…/BC-UBND",
            "place": plain_name(district if dossier.route == Route.DISTRICT_TIER and district else dossier.province),
            "doc_type": "BÁO CÁO",
            "title": f"Kết quả thẩm tra hồ sơ và mức độ đạt chuẩn {level} năm {dossier.year} của {unit}",
            "body": [
                f"Căn cứ Quyết định số 18/2022/QĐ-TTg ngày 02/8/2022 của Thủ tướng Chính phủ; căn cứ hồ sơ đề nghị "
                f"của {unit} và kết quả kiểm tra thực tế, đoàn thẩm tra báo cáo kết quả như sau:",
                f"Về hồ sơ: đầy đủ theo quy định. Về mức độ đạt chuẩn các tiêu chí: {met}/{total or '…'} tiêu chí đạt "
                f"chuẩn.",
            ],
            "closing": [
                "Về nợ đọng xây dựng cơ bản: không có nợ đọng xây dựng cơ bản trong xây dựng nông thôn mới.",
                f"Tỷ lệ người dân hài lòng: {rate}%. Tình hình an ninh, trật tự: "
                f"{'ổn định, không phức tạp' if dossier.security_status == 'not_complex' else '…'}.",
                f"Đề nghị xét, công nhận {unit} đạt chuẩn {level} năm {dossier.year}.",
            ],
            "recipients": ["UBND tỉnh (để báo cáo)", "Văn phòng Điều phối NTM tỉnh", str(unit)],
            "sign_for": "TM. ỦY BAN NHÂN DÂN",
            "signer_title": "CHỦ TỊCH",
        }
    if name == "appraisal_minutes":
        appraisal = Appraisal.objects.select_related("council").filter(dossier=dossier).first()
        members = []
        tally = "…"
        if appraisal is not None:
            members = [
                {"n": i, "name": m.name, "position": m.position, "role": ROLE_WORDS.get(m.role, m.role)}
                for i, m in enumerate(appraisal.council.members.order_by("order", "id"), start=1)
            ]
            if appraisal.votes_for is not None:
                tally = (
                    f"{appraisal.votes_for}/{appraisal.members_present} thành viên có mặt đồng ý; "
                    f"{appraisal.votes_against} không đồng ý; {appraisal.abstentions} không biểu quyết."
                )
        meeting = appraisal.meeting_on if appraisal and appraisal.meeting_on else None
        return {
            **base,
            **_day(meeting),
            "issuer_parent": province_upper,
            "issuer": (appraisal.council.name.upper() if appraisal else "HỘI ĐỒNG THẨM ĐỊNH"),
            "number": "…/BB-HĐTĐ",
            "place": province,
            "doc_type": "BIÊN BẢN",
            "title": f"Họp Hội đồng thẩm định hồ sơ đề nghị xét, công nhận {unit} đạt chuẩn {level} năm {dossier.year}",
            "body": [
                "Kiểm tra thực tế ngày "
                + (appraisal.inspected_on.strftime("%d/%m/%Y") if appraisal and appraisal.inspected_on else "…")
                + (f" tại: {appraisal.places_visited}." if appraisal and appraisal.places_visited else "."),
                (appraisal.inspection_findings if appraisal and appraisal.inspection_findings else ""),
            ],
            "members": members,
            "tally": tally,
            "closing": [appraisal.conclusion if appraisal and appraisal.conclusion else "Kết luận của Hội đồng: …"],
            "recipients": ["Văn phòng Điều phối NTM tỉnh", "Các thành viên Hội đồng"],
            "sign_for": "CHỦ TỊCH HỘI ĐỒNG",
            "signer_title": "",
            "signer_name": next((m["name"] for m in members if m["role"] == ROLE_WORDS[CouncilRole.CHAIR]), ""),
        }
    if name == "submission":
        national = dossier.route == Route.NATIONAL
        appraisal = Appraisal.objects.filter(dossier=dossier).first()
        vote = f" (biểu quyết {appraisal.tally} thành viên có mặt đồng ý)" if appraisal and appraisal.tally else ""
        return {
            **base,
            "issuer_parent": "" if national else province_upper,
            "issuer": f"ỦY BAN NHÂN DÂN {str(dossier.province).upper()}" if national else "VĂN PHÒNG ĐIỀU PHỐI NTM",
            "number": "…/TTr-UBND" if national else "…/TTr-VPĐP",
            "place": province,
            "doc_type": "TỜ TRÌNH",
            "title": f"Đề nghị xét, công nhận {unit} đạt chuẩn {level} năm {dossier.year}",
            "addressee": "Thủ tướng Chính phủ" if national else f"Chủ tịch UBND {dossier.province}",
            "body": [
                "Căn cứ Quyết định số 18/2022/QĐ-TTg ngày 02/8/2022 của Thủ tướng Chính phủ;",
                f"Căn cứ kết quả thẩm tra và kết quả thẩm định{vote}, đề nghị xét, công nhận {unit} đạt chuẩn "
                f"{level} năm {dossier.year}.",
            ],
            "closing": ["Kính trình xem xét, quyết định./."],
            "recipients": ["Như trên", "Sở Nông nghiệp và Môi trường"],
            "sign_for": "TM. ỦY BAN NHÂN DÂN" if national else "",
            "signer_title": "CHỦ TỊCH" if national else "CHÁNH VĂN PHÒNG",
        }
    if name == "decision":
        return decision_context(dossier, base, level, unit_kind)
    raise KeyError(name)


def decision_context(dossier: Dossier, base: dict, level: str, unit_kind: str) -> dict:
    """The draft decision: its number and date once recorded, and the annex listing every unit of the same level and
    year waiting for a decision in the province (one decision lists several units)."""
    national = dossier.route == Route.NATIONAL
    province_upper, province = _province_words(dossier)
    waiting = Dossier.objects.filter(
        province_id=dossier.province_id,
        subject_kind=dossier.subject_kind,
        level=dossier.level,
        year=dossier.year,
        route=dossier.route,
        status=dossier.status,
    ).select_related("commune", "district", "hamlet", "commune__district", "hamlet__commune")
    units = [dossier] + [d for d in waiting.order_by("district__code", "commune__code", "id") if d.pk != dossier.pk]
    annex = [
        {
            "n": i,
            "unit": str(d.subject),
            "parent": str(d.hamlet.commune if d.hamlet_id else (d.commune.district if d.commune_id else d.province)),
            "level": level,
            "year": d.year,
        }
        for i, d in enumerate(units, start=1)
    ]
    number = dossier.decision_number or ("…/QĐ-TTg" if national else "…/QĐ-UBND")
    return {
        **base,
        **_day(dossier.decision_date),
        "issuer_parent": "",
        "issuer": "THỦ TƯỚNG CHÍNH PHỦ" if national else f"ỦY BAN NHÂN DÂN {str(dossier.province).upper()}",
        "issuer_short": "Thủ tướng Chính phủ" if national else f"UBND {dossier.province}",
        "number": number,
        "place": "Hà Nội" if national else province,
        "doc_type": "QUYẾT ĐỊNH",
        "title": f"Về việc công nhận {unit_kind} đạt chuẩn {level} năm {dossier.year}",
        "grounds": [
            "Căn cứ Luật Tổ chức chính quyền địa phương;",
            "Căn cứ Quyết định số 18/2022/QĐ-TTg ngày 02/8/2022 của Thủ tướng Chính phủ ban hành Quy định điều kiện, "
            "trình tự, thủ tục, hồ sơ xét, công nhận, công bố và thu hồi quyết định công nhận địa phương đạt chuẩn "
            "nông thôn mới, nông thôn mới nâng cao, nông thôn mới kiểu mẫu;",
            "Theo đề nghị của Văn phòng Điều phối nông thôn mới tỉnh.",
        ],
        "body": [
            f"Điều 1. Công nhận {len(annex)} {unit_kind} đạt chuẩn {level} năm {dossier.year} (có danh sách kèm theo).",
            "Điều 2. Ủy ban nhân dân các đơn vị được công nhận có trách nhiệm tiếp tục duy trì, nâng cao chất lượng "
            "các tiêu chí.",
            "Điều 3. Quyết định này có hiệu lực kể từ ngày ký.",
        ],
        "annex_title": f"{unit_kind.capitalize()} đạt chuẩn {level} năm {dossier.year}",
        "annex": annex,
        "recipients": ["Như Điều 3", "Văn phòng Điều phối NTM Trung ương"],
        "sign_for": "THỦ TƯỚNG" if national else "TM. ỦY BAN NHÂN DÂN",
        "signer_title": "" if national else "CHỦ TỊCH",
        "signer_name": dossier.signer,
    }


def render(dossier: Dossier, name: str) -> tuple[bytes, str]:
    """The draft as .docx bytes and its file name."""
    template = DocxTemplate(FOLDER / f"{name}.docx")
    template.render(context(dossier, name))
    out = io.BytesIO()
    template.save(out)
    unit = getattr(dossier.subject, "code", dossier.pk)
    return out.getvalue(), f"{DRAFTS[name].filename}-{unit}-{dossier.year}.docx"
