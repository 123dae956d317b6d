from django.core.exceptions import ValidationError


class SteeringError(ValidationError):
    """A change of Styrsignaler refused, with a Swedish message; nothing was stored."""
