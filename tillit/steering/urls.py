from django.urls import path

from tillit.steering.views import analysis, campaigns, catalogue, importing, owners, rating, thieves

app_name = "steering"

urlpatterns = [
    # The catalogue (views/catalogue.py, views/importing.py).
    path("o/<slug:organisation>/styrsignaler/", catalogue.catalogue, name="catalogue"),
    path("o/<slug:organisation>/styrsignaler/ny/", catalogue.add_signal, name="add_signal"),
    path("o/<slug:organisation>/styrsignaler/import/", importing.import_signals, name="import"),
    path("styrsignaler/<uuid:signal>/", catalogue.signal, name="signal"),
    path("styrsignaler/<uuid:signal>/andra/", catalogue.edit_signal, name="edit_signal"),
    path("styrsignaler/<uuid:signal>/ta-bort/", catalogue.delete_signal, name="delete_signal"),
    # Rating campaigns (views/campaigns.py) and their analysis (views/analysis.py).
    path("o/<slug:organisation>/styrsignaler/kampanjer/", campaigns.campaigns, name="campaigns"),
    path("styrsignaler/kampanjer/<uuid:campaign>/", campaigns.campaign, name="campaign"),
    path("styrsignaler/kampanjer/<uuid:campaign>/andra/", campaigns.edit_campaign, name="edit_campaign"),
    path("styrsignaler/kampanjer/<uuid:campaign>/oppna/", campaigns.launch, name="launch"),
    path("styrsignaler/kampanjer/<uuid:campaign>/paminn/", campaigns.remind, name="remind"),
    path("styrsignaler/kampanjer/<uuid:campaign>/stang/", campaigns.close, name="close"),
    path("styrsignaler/kampanjer/<uuid:campaign>/analys/", analysis.analysis, name="analysis"),
    path("styrsignaler/kampanjer/<uuid:campaign>/analys.csv", analysis.analysis_csv, name="analysis_csv"),
    path("styrsignaler/kampanjer/<uuid:campaign>/analys.xlsx", analysis.analysis_xlsx, name="analysis_xlsx"),
    # Rating with a personal link, no account needed (views/rating.py): the link carries the right to rate.
    path("k/<uuid:campaign>/", rating.rate, name="rate"),
    path("k/<uuid:campaign>/tack/", rating.thanks, name="thanks"),
    path("k/<uuid:campaign>/<str:token>/", rating.rate_link, name="rate_link"),
    # Tidstjuvar (views/thieves.py).
    path("o/<slug:organisation>/tidstjuvar/", thieves.results, name="time_thieves"),
    path("o/<slug:organisation>/tidstjuvar/rapportera/", thieves.report, name="report"),
    path("o/<slug:organisation>/tidstjuvar/hantera/", thieves.triage_list, name="triage_list"),
    path("tidstjuvar/<uuid:time_thief>/", thieves.triage, name="triage"),
    # Owners and lärande tillsyn (views/owners.py).
    path("o/<slug:organisation>/styrsignaler/agare/", owners.owners, name="owners"),
    path("styrsignaler/agare/<uuid:owner>/", owners.owner, name="owner"),
    path("styrsignaler/agare/<uuid:owner>/tillsyn.csv", owners.export_csv, name="owner_csv"),
    path("styrsignaler/agare/<uuid:owner>/tillsyn.pdf", owners.export_pdf, name="owner_pdf"),
    path("styrsignaler/agare/<uuid:owner>/samtal/", owners.open_dialogue, name="open_dialogue"),
]
