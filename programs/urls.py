from django.urls import path

from . import views

app_name = "programs"
urlpatterns = [
    path("plans/", views.plan_list, name="plan_list"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("registrations/<int:pk>/delete/", views.registration_delete, name="registration_delete"),
    path("ocop/", views.ocop_list, name="ocop_list"),
    path("ocop/import/", views.ocop_import, name="ocop_import"),
]
