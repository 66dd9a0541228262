from django.urls import path

from . import views

app_name = "monitoring"
urlpatterns = [
    path("", views.index, name="index"),
    path("dossiers/<int:pk>/", views.dossier_monitoring, name="dossier"),
    path("dossiers/<int:pk>/critiques/add/", views.critique_add, name="critique_add"),
    path("dossiers/<int:pk>/surveys/add/", views.survey_add, name="survey_add"),
    path("surveys/", views.survey_list, name="survey_list"),
    path("surveys/<int:pk>/", views.survey_detail, name="survey_detail"),
    path("surveys/<int:pk>/edit/", views.survey_edit, name="survey_edit"),
    path("surveys/<int:pk>/check/", views.survey_check, name="survey_check"),
    path("reports/", views.report_list, name="report_list"),
    path("reports/new/", views.report_add, name="report_add"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("reports/<int:pk>/edit/", views.report_edit, name="report_edit"),
    path("reports/<int:pk>/findings/add/", views.finding_add, name="finding_add"),
    path("findings/", views.finding_list, name="finding_list"),
    path("findings/<int:pk>/<slug:action>/", views.finding_action, name="finding_action"),
    path("comments/", views.comment_queue, name="comment_queue"),
    path("comments/<int:pk>/moderate/", views.comment_moderate, name="comment_moderate"),
    path("public/", views.public_list, name="public_list"),
    path("public/<int:pk>/", views.public_detail, name="public_detail"),
    path("public/<int:pk>/report/", views.public_report, name="public_report"),
]
