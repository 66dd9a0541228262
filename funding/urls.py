from django.urls import path

from . import views

app_name = "funding"
urlpatterns = [
    path("", views.report, name="report"),
    path("lines/", views.line_list, name="line_list"),
    path("lines/<int:pk>/", views.line_detail, name="line_detail"),
    path("lines/import/", views.lines_import, name="lines_import"),
    path("disbursements/import/", views.disbursements_import, name="disbursements_import"),
    path("disbursements/export/", views.disbursements_export, name="disbursements_export"),
    path("debts/", views.debt_list, name="debt_list"),
]
