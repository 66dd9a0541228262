"""Documents stored before 0004 under guessable names (dossiers/year/code-kind.pdf) move to a random folder."""

import posixpath
import re
import secrets

from django.core.files.storage import default_storage
from django.db import migrations

TOKEN = re.compile(r"[0-9a-f]{32}")


def move_files(apps, schema_editor):
    DossierDocument = apps.get_model("verification", "DossierDocument")
    for pk, name in DossierDocument.objects.exclude(file="").values_list("pk", "file"):
        folder, filename = posixpath.split(name)
        if TOKEN.fullmatch(posixpath.basename(folder)) or not default_storage.exists(name):
            continue
        with default_storage.open(name, "rb") as content:
            new_name = default_storage.save(posixpath.join(folder, secrets.token_hex(16), filename), content)
        default_storage.delete(name)
        DossierDocument.objects.filter(pk=pk).update(file=new_name)


class Migration(migrations.Migration):
    dependencies = [("verification", "0004_private_document_files")]

    operations = [migrations.RunPython(move_files, migrations.RunPython.noop)]
