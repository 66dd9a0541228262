"""The NTM programme, its phases and its six thematic programmes (domain.md §2, §9). Reference data: present in
every environment, editable in the admin. Legal bases as found in public sources; [U] items say so."""

from django.db import migrations

PROGRAM = {
    "code": "NTM",
    "name": "Chương trình mục tiêu quốc gia xây dựng nông thôn mới",
    "legal_basis": "Launched 2010; first national criteria set Decision 491/QĐ-TTg of 16/04/2009.",
}
PHASES = [
    {
        "code": "NTM-2021-2025",
        "name": "Giai đoạn 2021–2025",
        "year_from": 2021,
        "year_to": 2025,
        "legal_basis": (
            "Resolution 25/2021/QH15 (28/07/2021) on the investment policy; Decision 263/QĐ-TTg (22/02/2022) "
            "approving the programme; criteria Decisions 318, 319, 320, 321/QĐ-TTg (08/03/2022); recognition "
            "and revocation Decision 18/2022/QĐ-TTg (02/08/2022); Decree 27/2022/NĐ-CP (19/04/2022)."
        ),
    },
    {
        "code": "NTM-2026-2030",
        "name": "Giai đoạn 2026–2030",
        "year_from": 2026,
        "year_to": 2030,
        "legal_basis": (
            "Resolution 257/2025/QH15 (11/12/2025) merging the NTM, sustainable poverty reduction and "
            "ethnic-minority programmes for 2026–2035; commune criteria Decision 51/2025/QĐ-TTg (29/12/2025)."
        ),
    },
]
THEMATIC = [
    ("OCOP", "Chương trình Mỗi xã một sản phẩm (OCOP)", "Decision 919/QĐ-TTg (01/08/2022); OCOP criteria Decision 148/QĐ-TTg (24/02/2023)", 2021, 2025),
    ("DIGITAL", "Chuyển đổi số trong xây dựng NTM, hướng tới NTM thông minh", "Decision 924/QĐ-TTg (02/08/2022)", 2021, 2025),
    ("ENVIRONMENT", "Tăng cường bảo vệ môi trường, an toàn thực phẩm và cấp nước sạch nông thôn", "Decision 925/QĐ-TTg (2022)", 2021, 2025),
    ("CRAFT-VILLAGES", "Bảo tồn và phát triển làng nghề truyền thống", "Decision 801/QĐ-TTg (2022), period 2021–2030", 2021, 2030),
    ("RURAL-TOURISM", "Phát triển du lịch nông thôn", "Decision 922/QĐ-TTg (2022) [number not verified]", 2021, 2025),
    ("SCIENCE-TECH", "Ứng dụng khoa học và công nghệ phục vụ xây dựng NTM", "Decision 923/QĐ-TTg (2022) [number not verified]", 2021, 2025),
]  # fmt: skip


def load(apps, schema_editor):
    Program = apps.get_model("programs", "Program")
    Phase = apps.get_model("programs", "Phase")
    ThematicProgram = apps.get_model("programs", "ThematicProgram")
    program, _ = Program.objects.get_or_create(code=PROGRAM["code"], defaults=PROGRAM)
    for phase in PHASES:
        Phase.objects.get_or_create(code=phase["code"], defaults={**phase, "program": program})
    for order, (code, name, basis, year_from, year_to) in enumerate(THEMATIC, start=1):
        ThematicProgram.objects.get_or_create(
            code=code,
            defaults={
                "program": program,
                "name": name,
                "legal_basis": basis,
                "year_from": year_from,
                "year_to": year_to,
                "order": order,
            },
        )


def unload(apps, schema_editor):
    apps.get_model("programs", "ThematicProgram").objects.filter(code__in=[t[0] for t in THEMATIC]).delete()
    apps.get_model("programs", "Phase").objects.filter(code__in=[p["code"] for p in PHASES]).delete()
    apps.get_model("programs", "Program").objects.filter(code=PROGRAM["code"]).delete()


class Migration(migrations.Migration):
    dependencies = [("programs", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
