"""Evidence stored before 0002 under guessable names (year/commune code/original name) moves to a random folder."""

import posixpath
import re
import secrets

from django.core.files.storage import default_storage
from django.db import migrations

TOKEN = re.compile(r"[0-9a-f]{32}")


def move_files(apps, schema_editor):
    IndicatorValue = apps.get_model("criteria", "IndicatorValue")
    for pk, name in IndicatorValue.objects.exclude(evidence="").values_list("pk", "evidence"):
        folder, filename = posixpath.split(name)
        if TOKEN.fullmatch(posixpath.basename(folder)) or not default_storage.exists(name):
            continue
        with default_storage.open(name, "rb") as content:
            new_name = default_storage.save(posixpath.join(folder, secrets.token_hex(16), filename), content)
        default_storage.delete(name)
        IndicatorValue.objects.filter(pk=pk).update(evidence=new_name)


class Migration(migrations.Migration):
    dependencies = [("criteria", "0002_private_evidence_files")]

    operations = [migrations.RunPython(move_files, migrations.RunPython.noop)]
