"""Every read of Styrsignaler: the catalogue (`catalogue`), campaigns and their invitations (`campaigns`), the
ratings an analysis is built from (`analysis`), and tidstjuvar (`thieves`). Never writes."""

from tillit.steering.queries.analysis import *  # noqa: F403
from tillit.steering.queries.campaigns import *  # noqa: F403
from tillit.steering.queries.catalogue import *  # noqa: F403
from tillit.steering.queries.thieves import *  # noqa: F403
