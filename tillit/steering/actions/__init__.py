"""Every change of Styrsignaler, one function per change in one transaction, raising `SteeringError` with a Swedish
message and changing nothing then: the catalogue (`catalogue`), rating campaigns (`campaigns`), tidstjuvar
(`thieves`) and the owners' lärande tillsyn (`owners`)."""

from tillit.steering.actions.campaigns import *  # noqa: F403
from tillit.steering.actions.catalogue import *  # noqa: F403
from tillit.steering.actions.errors import SteeringError
from tillit.steering.actions.owners import *  # noqa: F403
from tillit.steering.actions.thieves import *  # noqa: F403

__all__ = ["SteeringError"]
