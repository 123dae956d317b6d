from django.urls import path

from tillit.dialogues.views import managing, organisation, results, taking_part

app_name = "dialogues"

urlpatterns = [
    path("o/<slug:organisation>/dialogues/", organisation.dialogue_list, name="list"),
    path("o/<slug:organisation>/dialogues/new/", organisation.dialogue_create, name="create"),
    path("s/<uuid:dialogue>/", taking_part.participate, name="participate"),
    path("s/<uuid:dialogue>/join/", taking_part.join, name="join"),
    path("s/<uuid:dialogue>/vote/", taking_part.vote, name="vote"),
    path("s/<uuid:dialogue>/statements/", taking_part.add_statement, name="add_statement"),
    path("s/<uuid:dialogue>/flag/", taking_part.flag, name="flag"),
    path("s/<uuid:dialogue>/manage/", managing.moderate, name="moderate"),
    path("s/<uuid:dialogue>/manage/edit/", managing.edit, name="edit"),
    path("s/<uuid:dialogue>/manage/seed/", managing.add_seed, name="add_seed"),
    path("s/<uuid:dialogue>/manage/close/", managing.close, name="close"),
    path("s/<uuid:dialogue>/manage/invite/", managing.invite, name="invite"),
    path("s/<uuid:dialogue>/manage/remind/", managing.remind, name="remind"),
    path("s/<uuid:dialogue>/manage/<uuid:statement>/", managing.moderate_statement, name="moderate_statement"),
    path("s/<uuid:dialogue>/manage/<uuid:statement>/merge/", managing.merge_statement, name="merge"),
    path("s/<uuid:dialogue>/manage/<uuid:statement>/promote/", managing.promote, name="promote"),
    path("s/<uuid:dialogue>/results/", results.results, name="results"),
    path("s/<uuid:dialogue>/results.csv", results.results_csv, name="results_csv"),
    path("s/<uuid:dialogue>/report.pdf", results.results_pdf, name="results_pdf"),
]
