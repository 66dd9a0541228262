"""Issue 7: the three journeys of DESIGN.md walked as real users, in a browser, on the live server with the demo.

Actions go through the UI only (clicks and form fills); the ORM is read for assertions and to compute the URLs and
ids of the things a user clicks. Elements are found by id, name, href or data-attribute, never by visible text:
the UI is Vietnamese by default and its catalogue changes. Screenshots go to test-results/screenshots/.
"""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.conftest import login, shot

pytestmark = pytest.mark.browser

COMMUNE = "05917"  # Xã Tân Khánh (Phú Bình): NTM; in the demo's 2024 plan for advanced, 17/19 advanced criteria
YEAR = 2024  # the plan year of the demo (its figures stand at the end of 2023)
PDF = b"%PDF-1.4\n% demo document\n"


# --- helpers -------------------------------------------------------------------------------------------------------


def no_error(page) -> None:
    """Fail with the page's own message when it shows an error alert."""
    alerts = page.locator(".alert-danger[role=alert]")
    if alerts.count():
        pytest.fail(f"{page.url}: {' | '.join(alerts.all_inner_texts())}")


def submit(page, button) -> None:
    """Click a submit button and wait for the page the POST redirects to; fail on an error page or message."""
    with page.expect_navigation() as navigation:
        button.click()
    assert navigation.value.ok, f"{navigation.value.status} on {page.url}"
    no_error(page)


def form_for(page, url_name: str, *args):
    return page.locator(f'form[action="{reverse(url_name, args=args)}"]')


def transition(page, dossier, action: str, **fields) -> None:
    """Fill the action's form on the dossier page (fields by name, without the action prefix) and press it."""
    form = form_for(page, "verification:dossier_transition", dossier.pk, action)
    for name, value in fields.items():
        form.locator(f'[name="{action}-{name}"]').fill(value)
    submit(page, form.locator("button[name=go]"))


def upload(page, dossier, kind: str, title: str = "") -> None:
    form = form_for(page, "verification:document_add", dossier.pk)
    form.locator("select[name=kind]").select_option(kind)
    form.locator("input[name=title]").fill(title or kind)
    form.locator("input[name=file]").set_input_files(
        {"name": f"{kind}.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    submit(page, form.locator("button"))


def status_of(dossier) -> str:
    dossier.refresh_from_db()
    return dossier.status


def survey(page, dossier, rows: list[tuple[int, int, int]], *, items: bool = False) -> None:
    """From the dossier's monitoring page: enter a completed survey with these (surveyed, returned, satisfied), one
    form per household, the date its results were posted at the hamlets (and with `items` the satisfied answers per
    content item); then the provincial Front, above the commune's, records its check of the tally."""
    page.locator(f'a[href="{reverse("monitoring:survey_add", args=[dossier.pk])}"]').click()
    page.wait_for_url(f"**{reverse('monitoring:survey_add', args=[dossier.pk])}")
    for i, numbers in enumerate(rows):
        for field, number in zip(("households_surveyed", "forms_returned", "satisfied"), numbers, strict=True):
            page.locator(f'input[name$="_{field}"]').nth(i).fill(str(number))
    if items:
        returned = sum(r for _s, r, _k in rows)
        cells = page.locator("#survey-items input")
        for i in range(cells.count()):
            cells.nth(i).fill(str(returned - i % 4))
    page.locator("input[name=results_posted_on]").fill(timezone.localdate().isoformat())
    page.locator("input[name=complete]").check()
    page.locator("textarea[name=note]").fill("Phiếu khảo sát do Ban công tác Mặt trận các xóm thu về.")
    shot(page, "survey-form")
    submit(page, page.locator("#survey-form button.btn-success"))
    expect(page).to_have_url(re.compile(r"/monitoring/surveys/\d+/$"))
    submit(page, page.locator("#survey-check-form button"))
    expect(page.locator("#survey-checked")).not_to_have_text("–")
    shot(page, "survey-detail")


# --- 1. IT admin -------------------------------------------------------------------------------------------------


def test_admin_edits_an_indicator_target(demo, new_page):
    from criteria.models import IndicatorTarget

    target = IndicatorTarget.objects.get(
        indicator__criterion__criteria_set__code="XA-NTM-2021", indicator__code="17.1", region__code="TDMNPB"
    )
    assert target.value == Decimal("85")
    page = new_page()
    page.goto(reverse("admin:index"))
    page.wait_for_url("**/admin/login/**")
    page.fill("#id_username", "admin")
    page.fill("#id_password", "ntm-demo-2024")
    submit(page, page.locator("input[type=submit]"))
    changelist = reverse("admin:criteria_indicatortarget_changelist")
    page.locator(f'a[href="{changelist}"]').first.click()
    page.wait_for_url(f"**{changelist}")
    page.fill("input[name=q]", "XA-NTM-2021 17.1")
    page.press("input[name=q]", "Enter")
    page.wait_for_url("**?q=*")
    change = reverse("admin:criteria_indicatortarget_change", args=[target.pk])
    page.locator(f'#result_list a[href^="{change}"]').click()
    page.wait_for_url(f"**{change}**")
    page.fill("#id_value", "90")
    page.fill("#id_source", "Quyết định của UBND tỉnh (kiểm thử)")
    shot(page, "admin-target-change")
    submit(page, page.locator("input[name=_save]"))
    expect(page).to_have_url(re.compile(rf"{changelist}(\?.*)?$"))
    expect(page.locator(".messagelist .success")).to_have_count(1)
    target.refresh_from_db()
    assert target.value == Decimal("90") and "kiểm thử" in target.source


# --- 2. from scorecard to recognition --------------------------------------------------------------------------


def test_commune_to_recognition(demo, new_page, live_server):
    from communes.models import Commune
    from criteria.models import Assessment
    from programs.choices import TargetKind
    from programs.models import AnnualPlan, Registration
    from register.models import Recognition
    from verification.choices import DossierStatus
    from verification.models import Dossier

    commune = Commune.objects.valid_on(datetime.date(YEAR, 12, 31)).get(
        code=COMMUNE
    )  # the 2024 unit (code reused in 2025)
    today = timezone.localdate()

    # The province's dashboard (its home page) opens on the year in progress as of today (issue 16); at the end of
    # 2023: 118 of 126 communes NTM, 33 of them advanced; the results of 2024, on the units after the December
    # 2024 mergers, before the decision.
    province = new_page()
    login(province, "province")
    province.wait_for_url(f"**{reverse('reports:dashboard')}*")
    expect(province.locator("#stat-ntm")).to_contain_text("/77")
    province.goto(reverse("reports:dashboard") + "?year=2023")
    expect(province.locator("#stat-ntm")).to_have_text("118/126")
    expect(province.locator("#stat-advanced")).to_have_text("33")
    province.goto(reverse("reports:dashboard") + f"?year={YEAR}")
    expect(province.locator("#stat-ntm")).to_have_text("113/121")
    advanced_2024 = int(province.locator("#stat-advanced").inner_text())
    shot(province, "dashboard-before")

    # The commune officer fixes the two unmet criteria on the 2024 scorecard against the advanced set.
    officer = new_page()
    login(officer, "commune")
    scorecard = reverse("criteria:scorecard_level", args=[COMMUNE, YEAR, "advanced"])
    officer.goto(scorecard)
    expect(officer.locator("[data-testid=criteria-met]")).to_have_text("17/19")
    shot(officer, "scorecard-before")
    values = reverse("criteria:values_edit", args=[COMMUNE, YEAR, "advanced"])
    officer.locator(f'a[href="{values}"]').first.click()
    officer.wait_for_url(f"**{values}")
    officer.locator('[data-indicator="14.1"] input[name^="v_"]').fill("93,5")  # health insurance, Vietnamese decimal
    officer.locator('[data-indicator="14.1"] input[name^="n_"]').fill("Số liệu BHXH huyện 12/2024")
    officer.locator('[data-indicator="17.1"] input[name^="v_"]').fill("92")  # clean water
    shot(officer, "values-form")
    submit(officer, officer.locator("#save-values"))
    officer.wait_for_url(f"**{scorecard}")
    expect(officer.locator("[data-testid=criteria-met]")).to_have_text("19/19")
    expect(officer.locator(".alert-success[role=alert]")).to_contain_text("19/19")
    expect(officer.locator("[data-testid=reason]")).to_have_count(0)
    shot(officer, "scorecard-after")
    assert Assessment.objects.get(commune=commune, year=YEAR, criteria_set__code="XA-NC-2021").is_all_met

    # The officer opens the advanced NTM dossier for 2024 and uploads the results report.
    officer.goto(reverse("verification:dossier_list"))
    officer.locator(f'a[href="{reverse("verification:dossier_add")}"]').click()
    officer.wait_for_url(f"**{reverse('verification:dossier_add')}")
    officer.select_option("#id_subject_kind", "commune")
    officer.select_option("#id_commune", str(commune.pk))
    officer.select_option("#id_level", "advanced")
    officer.fill("#id_year", str(YEAR))
    submit(officer, officer.locator("#dossier-form button.btn-success"))
    dossier = Dossier.objects.get(commune=commune, year=YEAR, level="advanced")
    assert officer.url.endswith(reverse("verification:dossier_detail", args=[dossier.pk]))
    upload(officer, dossier, "results_report", "Báo cáo kết quả xây dựng xã NTM nâng cao năm 2024 – Xã Tân Khánh")
    shot(officer, "dossier-draft")

    # Public consultation. It began on paper 16 days ago: the officer records that date, then the five postings
    # made within the 15 days (Article 5), so the period has elapsed without changing any setting.
    started = today - datetime.timedelta(days=16)
    transition(officer, dossier, "open_consultation", started_on=started.isoformat())
    assert status_of(dossier) == DossierStatus.PUBLIC_CONSULTATION and dossier.consultation_started_on == started
    places = ["commune_office", "cultural_house", "loudspeaker"]
    posting_form = form_for(officer, "verification:posting_add", dossier.pk)
    for i in range(5):
        posting_form.locator("input[name=posted_on]").fill((started + datetime.timedelta(days=3 * i)).isoformat())
        posting_form.locator("select[name=place]").select_option(places[i % 3])
        posting_form.locator("input[name=note]").fill(f"Lần {i + 1}")
        submit(officer, posting_form.locator("button"))
    assert dossier.postings.count() == 5
    shot(officer, "dossier-consultation")

    # A resident (no login) reads the dossier on the public consultation pages.
    resident = new_page()
    resident.goto(reverse("monitoring:public_list"))
    public = reverse("monitoring:public_detail", args=[dossier.pk])
    resident.locator(f'a[href="{public}"]').click()
    resident.wait_for_url(f"**{public}")
    shot(resident, "public-consultation")

    # The Front files its written comments on the dossier page.
    front = new_page()
    login(front, "front")
    front.goto(reverse("verification:dossier_detail", args=[dossier.pk]))
    upload(front, dossier, "front_comments", "Văn bản góp ý của MTTQ và các đoàn thể")

    # The officer closes the consultation; the Front then enters its satisfaction survey (monitoring pages).
    officer.goto(reverse("verification:dossier_detail", args=[dossier.pk]))
    transition(officer, dossier, "close_consultation")
    assert status_of(dossier) == DossierStatus.FRONT_SURVEY
    front.goto(reverse("monitoring:index"))
    shot(front, "monitoring-overview")
    front.locator(f'a[href="{reverse("monitoring:dossier", args=[dossier.pk])}"]').first.click()
    survey(front, dossier, [(120, 118, 112), (95, 95, 90), (140, 136, 131)], items=True)  # 333/349 = 95.4%

    # The serious finding the Front filed on Tân Khánh (clean water) would stop the verification: the Front checks
    # the commune's answer on the ground and closes it.
    from monitoring.models import Finding

    serious = Finding.objects.get(report__commune=commune, severity="high", status="open")
    front.goto(reverse("monitoring:report_detail", args=[serious.report_id]))
    card = front.locator(f"#finding-{serious.pk}")
    card.locator("textarea[name=note]").fill("Đã kiểm tra thực tế: công trình cấp nước đã hoàn thành.")
    submit(
        front, card.locator(f'button[formaction="{reverse("monitoring:finding_action", args=[serious.pk, "close"])}"]')
    )
    serious.refresh_from_db()
    assert serious.status == "closed"

    # The officer adds the remaining documents and submits for verification.
    officer.goto(reverse("verification:dossier_detail", args=[dossier.pk]))
    for kind in ["request_letter", "comments_summary", "minutes", "debt_report", "photos"]:
        upload(officer, dossier, kind)
    expect(officer.locator("#gates .bi-x-circle-fill")).to_have_count(1)  # only the verifier's security finding
    shot(officer, "dossier-ready")
    transition(officer, dossier, "submit")
    assert status_of(dossier) == DossierStatus.SUBMITTED

    # District verification, provincial appraisal by the council, and the decision: each from its own queue.
    detail = reverse("verification:dossier_detail", args=[dossier.pk])
    for username, take, approve in [
        ("verifier", "start_verification", "verify"),
        ("appraiser", "start_appraisal", "appraise"),
        ("approver", None, "recognise"),
    ]:
        page = new_page()
        login(page, username)
        page.goto(reverse("verification:queue"))
        shot(page, f"queue-{username}")
        page.locator(f'a[href="{detail}"]').click()
        page.wait_for_url(f"**{detail}")
        if take:
            transition(page, dossier, take)
        if username == "verifier":
            review = form_for(page, "verification:dossier_review", dossier.pk)
            review.locator("select[name=security_status]").select_option("not_complex")
            review.locator("textarea[name=comment]").fill("Công an huyện xác nhận: không phức tạp về ANTT.")
            submit(page, review.locator("button"))
            # The verifier downloads the drafted verification report, signs it and uploads the signed copy.
            with page.expect_download() as download:
                page.locator('#drafts a[data-draft="verification_report"]').click()
            drafted = download.value.path()
            from docx import Document

            text = "\n".join(p.text for p in Document(drafted).paragraphs)
            assert "Tân Khánh" in text and "BÁO CÁO" in text
            assert download.value.suggested_filename.endswith(".docx")
            upload(page, dossier, "verification_report", "Báo cáo kết quả thẩm tra – Xã Tân Khánh (đã ký)")
        if username == "appraiser":
            # The council inspects the commune, meets and votes; the minutes are signed and uploaded.
            page.locator(f'a[href="{reverse("verification:appraisal_edit", args=[dossier.pk])}"]').click()
            form = page.locator("#appraisal-form")
            form.locator("select[name=council]").select_option(index=1)
            form.locator("input[name=inspected_on]").fill((today - datetime.timedelta(days=2)).isoformat())
            form.locator("textarea[name=places_visited]").fill("Trụ sở UBND xã, nhà văn hóa xóm Đồng, trường tiểu học")
            form.locator("textarea[name=inspection_findings]").fill("Các tiêu chí đạt như hồ sơ.")
            form.locator("input[name=meeting_on]").fill(today.isoformat())
            form.locator("input[name=members_present]").fill("10")
            form.locator("input[name=votes_for]").fill("10")
            form.locator("textarea[name=conclusion]").fill("Hội đồng thống nhất 10/10 đề nghị công nhận.")
            shot(page, "appraisal-form")
            submit(page, form.locator("button.btn-success"))
            expect(page.locator("#vote-tally")).to_contain_text("10/10")
            upload(page, dossier, "appraisal_minutes", "Biên bản họp Hội đồng thẩm định (đã ký)")
        if approve == "recognise":
            # The coordination office files its submission (tờ trình) proposing the decision.
            province.goto(detail)
            upload(province, dossier, "submission", "Tờ trình đề nghị công nhận – Xã Tân Khánh (đã ký)")
            page.reload()
            upload(page, dossier, "decision", "Quyết định công nhận xã Tân Khánh đạt chuẩn NTM nâng cao (đã ký)")
            shot(page, "decision-form")
            transition(
                page,
                dossier,
                "recognise",
                decision_number="1234/QĐ-UBND",
                decision_date=today.isoformat(),
                signer="Chủ tịch UBND tỉnh",
            )
            expect(page.locator("#confirm")).to_contain_text("1234/QĐ-UBND")
            assert status_of(dossier) == DossierStatus.APPRAISED  # nothing recorded before confirming
            shot(page, "decision-confirm")
            submit(page, page.locator("#confirm-button"))
            shot(page, "decision")
        else:
            transition(page, dossier, approve)
        shot(page, f"dossier-{username}")
    assert status_of(dossier) == DossierStatus.RECOGNISED
    assert dossier.appraisal.tally == "10/10"
    assert dossier.events.get(action="recognise").to_status == DossierStatus.RECOGNISED
    assert dossier.documents.filter(kind="decision").exists()
    recognition = Recognition.objects.get(dossier=dossier)
    assert (recognition.decision_number, recognition.decision_date, recognition.signer) == (
        "1234/QĐ-UBND",
        today,
        "Chủ tịch UBND tỉnh",
    )

    # The results of 2024 now count one more advanced commune (and the same NTM ones): the decision taken today is
    # for 2024 (issue 15, the year recognised for).
    province.goto(reverse("reports:dashboard") + f"?year={YEAR}")
    expect(province.locator("#stat-advanced")).to_have_text(str(advanced_2024 + 1))
    expect(province.locator("#stat-ntm")).to_have_text("113/121")
    shot(province, "dashboard-after")

    # The province's other main pages, for people to look at.
    for name, url in [
        ("communes", reverse("communes:commune_list")),
        ("reports-index", reverse("reports:index")),
        ("funding-report", reverse("funding:report")),
        ("plans", reverse("programs:plan_list")),
    ]:
        assert province.goto(url).ok, url
        shot(province, name)

    # The 2024 plan counts Tân Khánh as achieved against its advanced target.
    plan = AnnualPlan.objects.get(year=YEAR)
    registration = Registration.objects.get(target__plan=plan, commune=commune)
    assert registration.target.kind == TargetKind.ADVANCED_COMMUNES
    province.locator(f'a[href="{reverse("programs:plan_detail", args=[plan.pk])}"]').first.click()
    province.wait_for_url(f"**{reverse('programs:plan_detail', args=[plan.pk])}")
    progress = province.locator(f'[data-testid=plan-progress] tr[data-kind="{TargetKind.ADVANCED_COMMUNES}"]')
    expect(progress.locator("[data-field=achieved]")).to_have_text("1")
    row = province.locator(f'[data-testid=registrations] tr[data-registration="{registration.pk}"]')
    expect(row.locator(".badge.text-bg-success")).to_have_count(1)
    shot(province, "plan")


# --- 3. the Front's monitoring, read by the verifier --------------------------------------------------------------


def test_front_finding_reaches_the_verifier(demo, new_page):
    from monitoring.models import Finding, SatisfactionSurvey
    from verification.choices import DossierStatus
    from verification.models import Dossier

    # A Phú Bình commune going for model NTM in 2024: in the demo its dossier waits for the Front's survey.
    dossier = Dossier.objects.select_related("commune").get(status=DossierStatus.FRONT_SURVEY)
    monitoring = reverse("monitoring:dossier", args=[dossier.pk])
    today = timezone.localdate()

    front = new_page()
    login(front, "front")
    front.goto(reverse("monitoring:index"))
    front.locator(f'a[href="{monitoring}"]').first.click()
    front.wait_for_url(f"**{monitoring}")
    survey(front, dossier, [(80, 78, 75), (60, 58, 57)])
    assert SatisfactionSurvey.objects.filter(dossier=dossier, status="completed").count() == 1

    front.goto(monitoring)
    report_add = f"{reverse('monitoring:report_add')}?dossier={dossier.pk}"
    front.locator(f'a[href="{report_add}"]').click()
    front.wait_for_url(f"**{reverse('monitoring:report_add')}?dossier=*")
    assert front.locator("#id_dossier").input_value() == str(dossier.pk)
    front.fill("#id_title", f"Giám sát hồ sơ {dossier.commune.name} (kiểm thử)")
    front.fill("#id_period_start", (today - datetime.timedelta(days=7)).isoformat())
    front.fill("#id_period_end", today.isoformat())
    front.fill("#id_summary", "Đoàn giám sát làm việc tại 3 xóm.")
    shot(front, "supervision-report-form")
    submit(front, front.locator("#report-form button.btn-success"))
    finding_text = "Xóm Na Chặng chưa niêm yết công khai danh sách hộ nghèo (kiểm thử)."
    front.select_option("#id_severity", "high")
    front.fill("#id_description", finding_text)
    front.fill("#id_recommendation", "Niêm yết trước khi trình thẩm tra.")
    report = dossier.supervision_reports.get(title__endswith="(kiểm thử)")
    submit(front, form_for(front, "monitoring:finding_add", report.pk).locator("button"))
    expect(front.locator(".card[id^=finding-]")).to_have_count(1)
    shot(front, "supervision-report")
    finding = Finding.objects.get(report=report)
    assert finding.description == finding_text

    # The verifier opens the dossier from the list and sees the finding there, then on its Front monitoring page.
    verifier = new_page()
    login(verifier, "verifier")
    verifier.goto(reverse("verification:dossier_list"))
    detail = reverse("verification:dossier_detail", args=[dossier.pk])
    verifier.locator(f'a[href="{detail}"]').click()
    verifier.wait_for_url(f"**{detail}")
    expect(verifier.locator("#front-findings")).to_contain_text(finding_text)
    shot(verifier, "dossier-verifier-finding")
    verifier.locator(f'#front-findings a[href="{monitoring}"]').click()
    verifier.wait_for_url(f"**{monitoring}")
    expect(verifier.locator("#front-findings")).to_contain_text(finding_text)
    shot(verifier, "monitoring-dossier-verifier")
