"""The main pages on a phone (320 CSS pixels, WCAG 1.4.10 reflow) and zoomed to 200 %.

200 % zoom of a 1280×800 window leaves 640×400 CSS pixels; a 640 px viewport with a device
scale factor would only sharpen the pixels, so the zoom is emulated by the smaller viewport.
"""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 320, "height": 800}
ZOOMED_200 = {"width": 640, "height": 400}
NO_HORIZONTAL_OVERFLOW = "document.documentElement.scrollWidth <= document.documentElement.clientWidth"


@pytest.mark.parametrize("viewport", [PHONE, ZOOMED_200], ids=["320px", "zoom-200"])
def test_start_units_and_people_reflow_without_horizontal_scrolling(
    page, base_url, sign_in, assert_accessible, outside_requests, org_admin, employee, manager, viewport
):
    page.set_viewport_size(viewport)
    sign_in(page, org_admin.email)

    for path, title in [
        ("/o/norrby/", "Norrby kommun"),
        ("/o/norrby/units/", "Enheter"),
        ("/o/norrby/people/", "Personer"),
    ]:
        page.goto(f"{base_url}{path}")
        expect(page.get_by_role("heading", level=1, name=title)).to_be_visible()
        assert page.evaluate(NO_HORIZONTAL_OVERFLOW), f"{path} scrolls sideways at {viewport['width']} px"
        assert_accessible(page)
    assert outside_requests == []


def test_organisation_switcher_opens_inside_a_phone_screen(
    page, base_url, sign_in, assert_accessible, outside_requests, admin_in_two_organisations
):
    page.set_viewport_size(PHONE)
    sign_in(page, admin_in_two_organisations.email)
    page.goto(f"{base_url}/o/norrby/")

    page.get_by_role("banner").get_by_text("Byt organisation").click()

    switcher = page.get_by_role("banner").get_by_role("group").filter(has_text="Byt organisation")
    for name in ("Norrby kommun", "Söderby kommun"):
        box = switcher.get_by_role("link", name=name).bounding_box()
        assert box["x"] >= 0, f"{name} starts {-box['x']} px left of the screen"
        assert box["x"] + box["width"] <= PHONE["width"], f"{name} ends right of the screen"
    assert page.evaluate(NO_HORIZONTAL_OVERFLOW)
    assert_accessible(page)
    assert outside_requests == []
