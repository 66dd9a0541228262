from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("office/", views.index, name="index"),
    path("office/criteria-matrix/", views.criteria_matrix, name="criteria_matrix"),
    path("office/recognitions/", views.recognition_register, name="recognition_register"),
    path("office/revocation-risk/", views.revocation_risk, name="revocation_risk"),
    path("office/plan-vs-result/", views.plan_vs_result, name="plan_vs_result"),
    path("office/capital/", views.capital_mobilisation, name="capital_mobilisation"),
]
