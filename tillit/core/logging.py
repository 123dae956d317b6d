"""A logging filter that blanks the secret part of links that work without an account.

Django logs the path of every 4xx response, and a barometer respondent's personal link carries their token:
logged with a time, it would tie the person to a moment. The token is in the path only on the link's first visit
(`/b/<round>/svar/<token>/`, which redirects to `/b/<round>/svar/` and keeps the token in a cookie), and the
round's open link carries its key (`/b/<round>/oppen/<key>/`); a steering-signal rating campaign's personal link is
`/k/<campaign>/<token>/` in the same way. The filter rewrites the formatted message and drops
the request from the record before any handler sees it. A web server or proxy in front of the application writes
its own access log, which this filter cannot reach.
"""

from __future__ import annotations

import datetime
import json
import logging
import re

SECRET_IN_PATH = re.compile(r"(/b/[0-9a-fA-F-]{36}/(?:svar|oppen)/|/k/[0-9a-fA-F-]{36}/)[^/\s?\"']+")


def hide_secrets(text: str) -> str:
    return SECRET_IN_PATH.sub(r"\1…", text)


class HideLinkSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        hidden = hide_secrets(message)
        if hidden != message:
            record.msg, record.args = hidden, None
        if hasattr(record, "request"):
            record.request = None
        return True


class WithoutTraceback(logging.Filter):
    """Logs a refused request as its one-line message: a form too large to read is the client's doing, and its
    traceback says nothing an operator can act on."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.exc_info, record.exc_text = None, None
        return True


class JsonLines(logging.Formatter):
    """One JSON object per line (LOG_FORMAT=json), for log collectors: time, level, logger, message, and the
    traceback as one string. Nothing of the request is added (the filters above drop it): no address, no session,
    no user."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.datetime.fromtimestamp(record.created, tz=datetime.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = hide_secrets(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)
