"""The Styrsignaler pages: one module per screen (see urls.py)."""
