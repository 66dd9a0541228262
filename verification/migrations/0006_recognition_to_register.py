# The register (Recognition and its history) moved to the `register` app, which now owns the same tables
# (register 0001 creates them in its state only). Nothing changes in the database.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('verification', '0005_document_unguessable_names'),
        ('register', '0001_recognition_register'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='HistoricalRecognition'),
                migrations.DeleteModel(name='Recognition'),
            ],
            database_operations=[],
        ),
    ]
