from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("<uuid:pk>/", views.job_detail, name="job_detail"),
    path("<uuid:pk>/status/", views.job_status, name="job_status"),
    path("<uuid:pk>/file/", views.job_file, name="job_file"),
]
