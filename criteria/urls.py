from django.urls import path

from . import views

app_name = "criteria"
urlpatterns = [
    path("", views.assessment_list, name="assessment_list"),
    path("assessments/<int:pk>/", views.assessment_detail, name="assessment_detail"),
    path("assessments/<int:pk>/lock/", views.assessment_lock, name="assessment_lock"),
    path("assessments/<int:pk>/unlock/", views.assessment_unlock, name="assessment_unlock"),
    path("scorecard/<str:code>/<int:year>/", views.scorecard, name="scorecard"),
    path("scorecard/<str:code>/<int:year>/<str:level>/", views.scorecard, name="scorecard_level"),
    path("scorecard/<str:code>/<int:year>/<str:level>/edit/", views.values_edit, name="values_edit"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
    path("gap/<str:code>/", views.gap, name="gap"),
    path("risk/", views.revocation_risk, name="revocation_risk"),
    path("export/", views.export_template, name="export"),
    path("import/", views.import_values, name="import"),
    path("sets/", views.criteria_set_list, name="set_list"),
    path("sets/<int:pk>/workbook/", views.criteria_set_workbook, name="set_workbook"),
    path("sets/import/", views.criteria_set_import, name="set_import"),
    path("groups/", views.classification_import, name="classification_import"),
    path("groups/template/", views.classification_export, name="classification_export"),
]
