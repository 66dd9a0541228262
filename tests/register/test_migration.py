"""The register moved out of verification without touching the database: rows written before the move (and their
history) are the register's after it, and the content types follow (permissions, admin log entries)."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("verification", "0005_document_unguessable_names"), ("register", None)]


@pytest.mark.django_db(transaction=True)
def test_rows_and_content_types_move_with_the_register(world):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE[0]).apps
    commune = old.get_model("communes", "Commune").objects.get(code=world.pb[0].code)
    decision = {
        "subject_kind": "commune",
        "commune": commune,
        "level": "basic",
        "year": 2020,
        "decision_number": "12/QĐ-UBND",
        "decision_date": datetime.date(2020, 12, 1),
    }
    entry = old.get_model("verification", "Recognition").objects.create(**decision)
    old.get_model("verification", "HistoricalRecognition").objects.create(
        id=entry.pk,
        created_at=entry.created_at,
        updated_at=entry.updated_at,
        history_date=entry.created_at,
        history_type="+",
        **decision,
    )
    ContentType.objects.filter(app_label="register").delete()
    ContentType.objects.get_or_create(app_label="verification", model="recognition")

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    from register.models import Recognition

    moved = Recognition.objects.get(pk=entry.pk)
    assert (moved.commune, moved.decision_number) == (world.pb[0], "12/QĐ-UBND")
    assert moved.history.count() == 1
    assert ContentType.objects.filter(app_label="register", model="recognition").exists()
    assert not ContentType.objects.filter(app_label="verification", model="recognition").exists()
