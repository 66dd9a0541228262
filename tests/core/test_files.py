"""Stored files are private: no public URL, unguessable names, downloads only through views that check scope.

The scope of each download view, per role and in / out of the area, is in tests/test_scope_matrix.py (rows
criteria:evidence_download and verification:document_download); here: what the answer carries, anonymous users,
the old public paths, the proxy hand-off and the pages' links."""

import importlib
import re
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse

from core.files import PrivateFileSystemStorage
from tests.criteria.conftest import assess
from tests.criteria.factories import simple_set
from tests.verification import conftest as verification_fixtures
from verification.choices import DocumentKind, DossierStatus
from verification.models import DossierDocument

pytestmark = pytest.mark.django_db
fakes = verification_fixtures.fakes
make_dossier = verification_fixtures.make_dossier
TOKEN_FOLDER = re.compile(r"/[0-9a-f]{32}/")


@pytest.fixture
def stored(world, make_dossier, settings, tmp_path):
    """A dossier document and an evidence file in Tân Khánh."""
    settings.MEDIA_ROOT = tmp_path
    dossier = make_dossier(DossierStatus.UNDER_VERIFICATION, commune=world.pb[0], ready=False)
    document = DossierDocument.objects.create(
        dossier=dossier,
        kind=DocumentKind.MINUTES,
        title="Biên bản họp",
        file=ContentFile(b"%PDF-1.4 minutes", name="bien ban hop xa.pdf"),
        uploaded_by=world.users.commune,
    )
    assessment = assess(world.pb[0], simple_set(n_criteria=2), {"1.1": Decimal(90), "2.1": Decimal(70)})
    value = assessment.values.order_by("pk").first()
    value.evidence.save("anh-duong-giao-thong.jpg", ContentFile(b"\xff\xd8\xff evidence"))
    return document, value


def _downloads(stored):
    document, value = stored
    return [
        (reverse("verification:document_download", args=[document.pk]), b"%PDF-1.4 minutes", "bien_ban_hop_xa.pdf"),
        (reverse("criteria:evidence_download", args=[value.pk]), b"\xff\xd8\xff evidence", "anh-duong-giao-thong.jpg"),
    ]


def test_a_download_is_an_attachment_with_its_name_and_no_caching(client, world, stored):
    client.force_login(world.users.viewer)
    for url, content, filename in _downloads(stored):
        response = client.get(url)
        assert response.status_code == 200, url
        assert b"".join(response.streaming_content) == content
        assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Cache-Control"] == "private, no-store"


def test_anonymous_users_get_the_login_page_not_the_file(client, stored):
    for url, _content, _name in _downloads(stored):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login")), url


def test_nothing_is_served_under_the_old_public_paths(client, world, stored):
    document, value = stored
    for user in (None, world.users.admin):
        if user:
            client.force_login(user)
        for name in (document.file.name, value.evidence.name):
            assert client.get(f"/media/{name}").status_code == 404


def test_stored_names_cannot_be_guessed(stored):
    document, value = stored
    assert TOKEN_FOLDER.search(document.file.name) and document.file.name.endswith("/bien_ban_hop_xa.pdf")
    assert TOKEN_FOLDER.search(value.evidence.name)
    again = DossierDocument.objects.create(
        dossier=document.dossier,
        kind=DocumentKind.MINUTES,
        file=ContentFile(b"x", name="bien ban hop xa.pdf"),
        uploaded_by=document.uploaded_by,
    )
    assert again.file.name.rsplit("/", 2)[1] != document.file.name.rsplit("/", 2)[1]


def test_the_storage_has_no_public_url():
    with pytest.raises(ValueError, match="no public URL"):
        PrivateFileSystemStorage().url("dossiers/1/x.pdf")


def test_pages_link_to_the_download_views(client, world, stored):
    document, value = stored
    client.force_login(world.users.province)
    dossier_page = client.get(reverse("verification:dossier_detail", args=[document.dossier_id])).content.decode()
    assert reverse("verification:document_download", args=[document.pk]) in dossier_page
    assert "/media/" not in dossier_page
    scorecard = client.get(
        reverse("criteria:scorecard_level", args=[world.pb[0].code, value.assessment.year, "basic"])
    ).content.decode()
    assert reverse("criteria:evidence_download", args=[value.pk]) in scorecard
    assert "/media/" not in scorecard


@pytest.mark.parametrize(("mode", "header"), [("x-accel-redirect", "X-Accel-Redirect"), ("x-sendfile", "X-Sendfile")])
def test_the_proxy_sends_the_bytes_once_the_view_has_said_yes(client, world, stored, settings, mode, header):
    settings.NTM_FILE_SERVING = mode
    settings.NTM_X_ACCEL_REDIRECT_PREFIX = "/protected-files/"
    document, _value = stored
    client.force_login(world.users.commune)
    response = client.get(reverse("verification:document_download", args=[document.pk]))
    assert response.status_code == 200 and response.content == b""
    expected = (
        "/protected-files/" + document.file.name.replace(" ", "%20")
        if mode == "x-accel-redirect"
        else document.file.path
    )
    assert response[header] == expected
    assert response["Content-Disposition"] == 'attachment; filename="bien_ban_hop_xa.pdf"'
    client.force_login(world.users.verifier)  # Phú Bình's verification team: in scope
    assert client.get(reverse("verification:document_download", args=[document.pk])).status_code == 200
    outsider = world.users.outsider
    client.force_login(outsider)
    refused = client.get(reverse("verification:document_download", args=[document.pk]))
    assert refused.status_code == 404 and header not in refused


def test_a_file_missing_from_disk_is_404(client, world, stored):
    document, _value = stored
    default_storage.delete(document.file.name)
    client.force_login(world.users.admin)
    assert client.get(reverse("verification:document_download", args=[document.pk])).status_code == 404


def test_files_stored_under_guessable_names_move_to_a_random_folder(stored):
    document, value = stored
    old = "dossiers/2024/05797-minutes.pdf"
    default_storage.save(old, ContentFile(b"old"))
    DossierDocument.objects.filter(pk=document.pk).update(file=old)
    migration = importlib.import_module("verification.migrations.0005_document_unguessable_names")
    migration.move_files(apps, None)
    document.refresh_from_db()
    assert TOKEN_FOLDER.search(document.file.name) and document.file.name.endswith("/05797-minutes.pdf")
    assert document.file.read() == b"old" and not default_storage.exists(old)
