"""The live meeting's WebSocket addresses (served by `config/asgi.py`; the consumers are in `consumers.py`)."""

from django.urls import path, re_path

from tillit.live import consumers

websocket_urlpatterns = [
    # The big screen and the moderator: signed in, `live.manage` in the meeting's organisation.
    path("ws/live/skarm/<uuid:session>/", consumers.ScreenConsumer.as_asgi()),
    # A participant's phone, by the meeting's code.
    path("ws/live/<str:code>/", consumers.PhoneConsumer.as_asgi()),
    # Anything else is closed politely instead of failing in the router.
    re_path(r"", consumers.refuse_unknown),  # type: ignore[arg-type]  # an ASGI application, as URLRouter takes
]
