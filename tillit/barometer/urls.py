from django.urls import path

from tillit.barometer import export_views, report_views, responding, views

app_name = "barometer"

urlpatterns = [
    # Running rounds and the questionnaire (process leaders).
    path("o/<slug:organisation>/barometer/", views.round_list, name="list"),
    path("o/<slug:organisation>/barometer/new/", views.round_create, name="create"),
    path("o/<slug:organisation>/barometer/questionnaire/", views.instrument, name="instrument"),
    path("o/<slug:organisation>/barometer/questionnaire/items/", views.add_item, name="add_item"),
    path("o/<slug:organisation>/barometer/questionnaire/blocks/", views.add_block, name="add_block"),
    path(
        "o/<slug:organisation>/barometer/questionnaire/items/<int:item>/remove/",
        views.remove_item,
        name="remove_item",
    ),
    path("b/<uuid:round>/manage/", views.round_detail, name="round"),
    path("b/<uuid:round>/manage/edit/", views.round_edit, name="edit"),
    path("b/<uuid:round>/manage/open/", views.round_launch, name="launch"),
    path("b/<uuid:round>/manage/close/", views.round_close, name="close"),
    path("b/<uuid:round>/manage/remind/", views.round_remind, name="remind"),
    # Answering (no account needed: the link carries the right to answer).
    path("b/<uuid:round>/svar/", responding.answer, name="answer"),
    path("b/<uuid:round>/svar/<str:token>/", responding.respond, name="respond"),
    path("b/<uuid:round>/oppen/<str:key>/", responding.respond_open, name="respond_open"),
    path("b/<uuid:round>/tack/", responding.thanks, name="thanks"),
    # Results.
    path("b/<uuid:round>/results/", report_views.report, name="report"),
    path("b/<uuid:round>/results/unit/<uuid:unit>/", report_views.report_unit, name="report_unit"),
    path("b/<uuid:round>/results/level/<uuid:level>/", report_views.report_level, name="report_level"),
    path("b/<uuid:round>/results/group/<uuid:group>/", report_views.report_group, name="report_group"),
    path("b/<uuid:round>/results.csv", export_views.results_csv, name="export_csv"),
    path("b/<uuid:round>/results.xlsx", export_views.results_xlsx, name="export_xlsx"),
    path("b/<uuid:round>/codebook.csv", export_views.codebook_csv, name="codebook"),
]
