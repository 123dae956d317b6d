"""The ASGI application every server runs (`make demo`: uvicorn; production: gunicorn with uvicorn's worker,
`config/workers.py`): HTTP through Django, the live meetings' WebSockets through Django Channels
(`tillit/live/routing.py`), signed in by the session cookie and accepted only from this site's own pages."""

import logging
import os
import warnings
from typing import Any

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# Each request's synchronous code runs in a thread of its own here: PostgreSQL connections come from a pool per
# process (config/settings.py, DATABASE_POOL) instead of one kept per thread.
os.environ.setdefault("DATABASE_POOL", "1")
# WhiteNoise hands Django files to send as synchronous iterators, which Django reads whole in a thread before sending
# them: right for static files of a few kilobytes, and said once per process otherwise.
warnings.filterwarnings("ignore", message="StreamingHttpResponse must consume synchronous iterators")
# Django is set up before anything imports models (the consumers do).
django_application = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from tillit.live.routing import websocket_urlpatterns  # noqa: E402


class WithoutSocketLines(logging.Filter):
    """uvicorn writes a line with the client's address and the path for every WebSocket opened or refused, and its
    WebSocket library one per connection opened and closed: nothing of a participant goes into the log (two thousand
    phones would leave four thousand such lines), so they are left out. Warnings and errors stay."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno > logging.INFO:
            return True
        message = str(record.msg)
        return not (message.startswith('%s - "WebSocket') or message in ("connection open", "connection closed"))


logging.getLogger("uvicorn.error").addFilter(WithoutSocketLines())


async def lifespan(_scope: dict[str, Any], receive: Any, send: Any) -> None:
    """Start and stop: nothing to prepare (connections open on first use), said so the server need not guess."""
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


application = ProtocolTypeRouter(
    {
        "http": django_application,
        # The Origin header must name one of ALLOWED_HOSTS: another site's page cannot open a socket with the
        # visitor's cookies (the WebSocket counterpart of CSRF).
        "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
        "lifespan": lifespan,
    }
)
