"""The project's URLs plus the baseline every page is compared with: a view that answers "hello" through the same
middleware, served by the same gunicorn."""

from django.http import HttpResponse
from django.urls import path

from ntm_project.urls import urlpatterns as project_urls


def hello(request):
    return HttpResponse("hello")


urlpatterns = [path("bench/hello/", hello), *project_urls]
