from django.urls import path

from tillit.dialogues import views

app_name = "dialogues"

urlpatterns = [
    path("o/<slug:organisation>/dialogues/", views.dialogue_list, name="list"),
    path("o/<slug:organisation>/dialogues/new/", views.dialogue_create, name="create"),
    path("s/<uuid:dialogue>/", views.participate, name="participate"),
    path("s/<uuid:dialogue>/join/", views.join, name="join"),
    path("s/<uuid:dialogue>/vote/", views.vote, name="vote"),
    path("s/<uuid:dialogue>/statements/", views.add_statement, name="add_statement"),
    path("s/<uuid:dialogue>/flag/", views.flag, name="flag"),
    path("s/<uuid:dialogue>/manage/", views.moderate, name="moderate"),
    path("s/<uuid:dialogue>/manage/edit/", views.edit, name="edit"),
    path("s/<uuid:dialogue>/manage/seed/", views.add_seed, name="add_seed"),
    path("s/<uuid:dialogue>/manage/<uuid:statement>/", views.moderate_statement, name="moderate_statement"),
    path("s/<uuid:dialogue>/manage/<uuid:statement>/merge/", views.merge_statement, name="merge"),
    path("s/<uuid:dialogue>/manage/<uuid:statement>/promote/", views.promote, name="promote"),
    path("s/<uuid:dialogue>/results/", views.results, name="results"),
    path("s/<uuid:dialogue>/results.csv", views.results_csv, name="results_csv"),
    path("s/<uuid:dialogue>/report.pdf", views.results_pdf, name="results_pdf"),
]
