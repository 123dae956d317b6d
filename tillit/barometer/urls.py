from django.urls import path

from tillit.barometer.views import exports, questionnaire, reports, responding, rounds

app_name = "barometer"

urlpatterns = [
    # Running rounds and the questionnaire (process leaders).
    path("o/<slug:organisation>/barometer/", rounds.round_list, name="list"),
    path("o/<slug:organisation>/barometer/new/", rounds.round_create, name="create"),
    path("o/<slug:organisation>/barometer/questionnaire/", questionnaire.instrument, name="instrument"),
    path("o/<slug:organisation>/barometer/questionnaire/items/", questionnaire.add_item, name="add_item"),
    path("o/<slug:organisation>/barometer/questionnaire/blocks/", questionnaire.add_block, name="add_block"),
    path(
        "o/<slug:organisation>/barometer/questionnaire/items/<int:item>/remove/",
        questionnaire.remove_item,
        name="remove_item",
    ),
    path("b/<uuid:round>/manage/", rounds.round_detail, name="round"),
    path("b/<uuid:round>/manage/edit/", rounds.round_edit, name="edit"),
    path("b/<uuid:round>/manage/open/", rounds.round_launch, name="launch"),
    # Closing, and publishing the results of a round that is closed but not sealed yet.
    path("b/<uuid:round>/manage/close/", rounds.round_close, name="close"),
    path("b/<uuid:round>/manage/remind/", rounds.round_remind, name="remind"),
    # Answering (no account needed: the link carries the right to answer).
    path("b/<uuid:round>/svar/", responding.answer, name="answer"),
    path("b/<uuid:round>/svar/<str:token>/", responding.respond, name="respond"),
    path("b/<uuid:round>/oppen/<str:key>/", responding.respond_open, name="respond_open"),
    path("b/<uuid:round>/tack/", responding.thanks, name="thanks"),
    # Results.
    path("b/<uuid:round>/results/", reports.report, name="report"),
    path("b/<uuid:round>/results/unit/<uuid:unit>/", reports.report_unit, name="report_unit"),
    path("b/<uuid:round>/results/level/<uuid:level>/", reports.report_level, name="report_level"),
    path("b/<uuid:round>/results/group/<uuid:group>/", reports.report_group, name="report_group"),
    path("b/<uuid:round>/results.csv", exports.results_csv, name="export_csv"),
    path("b/<uuid:round>/results.xlsx", exports.results_xlsx, name="export_xlsx"),
    path("b/<uuid:round>/results.pdf", exports.results_pdf, name="export_pdf"),
    path("b/<uuid:round>/results/unit/<uuid:unit>.pdf", exports.results_unit_pdf, name="export_pdf_unit"),
    path("b/<uuid:round>/codebook.csv", exports.codebook_csv, name="codebook"),
]
