import pytest

from tillit.voice import actions
from tillit.voice.models import ServicePage


@pytest.fixture
def service(organisation, home_unit) -> ServicePage:
    """Hemtjänst Norr's public page in Norrby."""
    return actions.open_page(organisation=organisation, unit=home_unit, name="Hemtjänst Norr")
