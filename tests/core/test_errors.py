"""Error pages speak to the user: what happened, that nothing changed, and the way back."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import override_settings
from django.urls import include, path


def refuse(request):
    raise PermissionDenied("Only the district or province office may unlock an assessment.")


urlpatterns = [path("refuse/", refuse), path("", include("ntm_project.urls"))]


def test_not_found_page_explains_scope(client, world):
    client.force_login(world.users.commune)
    response = client.get("/communes/99999/")
    assert response.status_code == 404
    html = response.content.decode()
    assert 'id="error-404"' in html and "outside the area your account covers" in html
    assert 'class="navbar' in html  # the menu stays, so the user can go on


@override_settings(ROOT_URLCONF="tests.core.test_errors")
def test_forbidden_page_gives_the_reason(client, world):
    client.force_login(world.users.commune)
    response = client.get("/refuse/")
    assert response.status_code == 403
    assert "Only the district or province office may unlock an assessment." in response.content.decode()


@pytest.mark.parametrize("name", ["404.html", "403.html", "500.html"])
def test_error_templates_render_without_a_request(name):
    from django.template.loader import render_to_string

    assert render_to_string(name, {}).strip()
