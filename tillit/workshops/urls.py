from django.urls import path

from tillit.workshops.views import cards, join, organisation, rating, results, workshop

app_name = "workshops"

urlpatterns = [
    path("o/<slug:organisation>/workshops/", organisation.workshop_list, name="list"),
    path("o/<slug:organisation>/workshops/new/", organisation.workshop_create, name="create"),
    path("join/", join.join, name="join"),
    path("w/<uuid:workshop>/", workshop.detail, name="detail"),
    path("w/<uuid:workshop>/participants/", workshop.participants, name="participants"),
    path("w/<uuid:workshop>/participants/remind/", workshop.remind_raters, name="remind_raters"),
    path("w/<uuid:workshop>/step/", workshop.set_step, name="set_step"),
    path("w/<uuid:workshop>/guests/", workshop.guest_places, name="guest_places"),
    path("w/<uuid:workshop>/cards/", workshop.cards, name="cards"),
    path("w/<uuid:workshop>/cards/<uuid:item>/", cards.card_edit, name="card_edit"),
    path("w/<uuid:workshop>/cards/<uuid:item>/merge/", cards.card_merge, name="card_merge"),
    path("w/<uuid:workshop>/cards/<uuid:item>/links/", cards.links, name="card_links"),
    path("w/<uuid:workshop>/links/", cards.link, name="link"),
    path("w/<uuid:workshop>/rate/", rating.rate, name="rate"),
    path("w/<uuid:workshop>/results/", results.results, name="results"),
    path("w/<uuid:workshop>/results.csv", results.results_csv, name="results_csv"),
    path("w/<uuid:workshop>/report.pdf", results.results_pdf, name="results_pdf"),
]
