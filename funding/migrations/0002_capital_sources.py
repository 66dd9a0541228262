"""Capital sources (domain.md §7) as reference data, editable in the admin. `group` drives the report's grouping
(budget, integrated, credit, mobilised) and the credit share."""

from django.db import migrations

SOURCES = [
    ("NSTW-DTPT", "Ngân sách trung ương – vốn đầu tư phát triển", "NSTW ĐTPT", "budget"),
    ("NSTW-SN", "Ngân sách trung ương – vốn sự nghiệp", "NSTW sự nghiệp", "budget"),
    ("NSDP", "Ngân sách địa phương (tỉnh, huyện, xã)", "NSĐP", "budget"),
    ("LONG-GHEP", "Vốn lồng ghép từ các chương trình, dự án khác", "Lồng ghép", "integrated"),
    ("TIN-DUNG", "Vốn tín dụng", "Tín dụng", "credit"),
    ("DOANH-NGHIEP", "Vốn doanh nghiệp, hợp tác xã", "Doanh nghiệp", "mobilised"),
    ("DAN-TIEN", "Nhân dân đóng góp – tiền mặt", "Dân góp tiền", "mobilised"),
    ("DAN-CONG", "Nhân dân đóng góp – ngày công lao động (quy đổi)", "Dân góp công", "mobilised"),
    ("DAN-DAT", "Nhân dân hiến đất (quy đổi)", "Dân hiến đất", "mobilised"),
    ("KHAC", "Nguồn vốn hợp pháp khác", "Khác", "mobilised"),
]


def load(apps, schema_editor):
    CapitalSource = apps.get_model("funding", "CapitalSource")
    for order, (code, name, short, group) in enumerate(SOURCES, start=1):
        CapitalSource.objects.get_or_create(
            code=code, defaults={"name": name, "short_name": short, "group": group, "order": order}
        )


def unload(apps, schema_editor):
    apps.get_model("funding", "CapitalSource").objects.filter(code__in=[s[0] for s in SOURCES]).delete()


class Migration(migrations.Migration):
    dependencies = [("funding", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
