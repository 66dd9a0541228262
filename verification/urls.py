from django.urls import path

from . import views

app_name = "verification"
urlpatterns = [
    path("", views.dossier_list, name="dossier_list"),
    path("new/", views.dossier_create, name="dossier_add"),
    path("<int:pk>/", views.dossier_detail, name="dossier_detail"),
    path("<int:pk>/action/<slug:action>/", views.dossier_transition, name="dossier_transition"),
    path("<int:pk>/review/", views.dossier_review, name="dossier_review"),
    path("<int:pk>/appraisal/", views.appraisal_edit, name="appraisal_edit"),
    path("<int:pk>/publications/add/", views.publication_add, name="publication_add"),
    path("<int:pk>/drafts/<slug:name>.docx", views.draft_download, name="draft_download"),
    path("<int:pk>/documents/add/", views.document_add, name="document_add"),
    path("documents/<int:pk>/", views.document_download, name="document_download"),
    path("<int:pk>/postings/add/", views.posting_add, name="posting_add"),
    path("queue/", views.queue, name="queue"),
    path("queue/approve/", views.queue_approve, name="queue_approve"),
    path("register/", views.register, name="register"),
    path("register/<int:pk>/revocation/", views.recognition_revocation, name="recognition_revocation"),
    path("register/mergers/", views.merger_recognitions, name="merger_recognitions"),
    path("register/district-risk/", views.district_risk, name="district_risk"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
]
