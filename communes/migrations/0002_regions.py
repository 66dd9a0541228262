# Reference data: the seven socio-economic regions whose 2021-2025 targets differ (Decision 318/QĐ-TTg).
# Which province belongs to which region is data too: communes/data/province_regions.json, applied by the loader.

from django.db import migrations

REGIONS = [
    ("TDMNPB", "Trung du và miền núi phía Bắc"),
    ("DBSH", "Đồng bằng sông Hồng"),
    ("BTB", "Bắc Trung Bộ"),
    ("DHNTB", "Duyên hải Nam Trung Bộ"),
    ("TN", "Tây Nguyên"),
    ("DNB", "Đông Nam Bộ"),
    ("DBSCL", "Đồng bằng sông Cửu Long"),
]


def create_regions(apps, schema_editor):
    Region = apps.get_model("communes", "Region")
    for code, name in REGIONS:
        Region.objects.get_or_create(code=code, defaults={"name": name})


def delete_regions(apps, schema_editor):
    from django.db.models import ProtectedError

    Region = apps.get_model("communes", "Region")
    # A region that provinces, communes or criteria targets still name is kept: going back never unlinks data.
    for region in Region.objects.filter(code__in=[code for code, _ in REGIONS]):
        try:
            region.delete()
        except ProtectedError:
            pass


class Migration(migrations.Migration):
    dependencies = [
        ("communes", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_regions, delete_regions),
    ]
