"""QR codes on what Tillit prints and shows (Brukarrösten's posters, a live meeting's big screen): one policy for all.

A full QR code (never a Micro QR) with error correction M or better (segno raises it when that costs no extra size),
so that a smudged poster or a screen seen from the back of a hall still scans, and the quiet zone the standard asks
for around it. segno is pure Python and writes the PNG itself."""

from __future__ import annotations

import io
from typing import Final

import segno

__all__ = ["QUIET_ZONE", "qr_code", "qr_png"]

QUIET_ZONE: Final = 4  # modules of white around the symbol, as the standard asks


def qr_code(address: str) -> segno.QRCode:
    return segno.make_qr(address, error="m")


def qr_png(code: segno.QRCode, *, scale: int, dpi: int | None = None) -> bytes:
    """The code alone as a PNG, black on white with its quiet zone, `scale` pixels per module."""
    out = io.BytesIO()
    code.save(out, kind="png", scale=scale, border=QUIET_ZONE, dpi=dpi)
    return out.getvalue()
