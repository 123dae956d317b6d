from django.urls import path

from tillit.voice.views import files, managing, merging, overview, public

app_name = "voice"

urlpatterns = [
    path("r/sprak/", public.choose_language, name="language"),
    path("r/<str:code>/", public.suggest, name="suggest"),
    path("r/<str:code>/tack/", public.thanks, name="thanks"),
    path("r/<str:code>/vi-gjorde/", public.you_said, name="you_said"),
    path("o/<slug:organisation>/brukarrosten/", managing.suggestions, name="suggestions"),
    path("o/<slug:organisation>/brukarrosten/sidor/", managing.pages, name="pages"),
    path("o/<slug:organisation>/brukarrosten/gallring/", managing.retention, name="retention"),
    path("o/<slug:organisation>/brukarrosten/oversikt/", overview.overview, name="overview"),
    path("o/<slug:organisation>/brukarrosten/sidor/<uuid:page>/oppen/", managing.page_open, name="page_open"),
    path("o/<slug:organisation>/brukarrosten/sidor/<uuid:page>/inmatning/", managing.entry, name="entry"),
    path("o/<slug:organisation>/brukarrosten/forslag/<uuid:suggestion>/", managing.suggestion, name="suggestion"),
    # Merging similar suggestions and linking them to a workshop's card (views/merging.py).
    path("o/<slug:organisation>/brukarrosten/liknande/", merging.similar, name="similar"),
    path("o/<slug:organisation>/brukarrosten/forslag/<uuid:suggestion>/sla-ihop/", merging.merge, name="merge"),
    path("o/<slug:organisation>/brukarrosten/forslag/<uuid:suggestion>/ta-isar/", merging.unmerge, name="unmerge"),
    path("o/<slug:organisation>/brukarrosten/forslag/<uuid:suggestion>/koppla/", merging.link, name="link"),
    path("o/<slug:organisation>/brukarrosten/forslag/<uuid:suggestion>/koppla-bort/", merging.unlink, name="unlink"),
    # Downloads (views/files.py): a page's poster, and the suggestions as a spreadsheet.
    path(
        "o/<slug:organisation>/brukarrosten/sidor/<uuid:page>/affisch/a4.pdf",
        files.page_poster,
        {"size": "a4"},
        name="poster_a4",
    ),
    path(
        "o/<slug:organisation>/brukarrosten/sidor/<uuid:page>/affisch/a3.pdf",
        files.page_poster,
        {"size": "a3"},
        name="poster_a3",
    ),
    path(
        "o/<slug:organisation>/brukarrosten/sidor/<uuid:page>/affisch/qr.png",
        files.page_poster,
        {"size": "png"},
        name="poster_png",
    ),
    path(
        "o/<slug:organisation>/brukarrosten/export/forslag.csv",
        files.suggestions_export,
        {"kind": "csv"},
        name="export_csv",
    ),
    path(
        "o/<slug:organisation>/brukarrosten/export/forslag.xlsx",
        files.suggestions_export,
        {"kind": "xlsx"},
        name="export_xlsx",
    ),
]
