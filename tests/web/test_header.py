"""The header's links, language switcher and account menu: in a row on wide screens and behind
the "Menu" disclosure on narrow ones, the same in both places."""

import re

import pytest

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def header_parts(page: str) -> tuple[str, str]:
    wide = page.split('<details class="site-menu narrow-only">')[0]
    narrow = page.split('<details class="site-menu narrow-only">')[1].split("</details>")[0]
    return wide.split('<header class="site-header">')[1], narrow


def links(html: str) -> list[str]:
    return sorted(re.findall(r'<a href="([^"]+)"( aria-current="page")?', html), key=str)


def test_a_visitor_sees_the_same_links_in_both_menus_with_the_current_page_marked(client):
    page = client.get("/opportunities/").content.decode()
    wide, narrow = header_parts(page)
    assert links(wide) == links(narrow)
    assert ("/opportunities/", ' aria-current="page"') in links(narrow)
    assert 'hreflang="en"' in wide and 'hreflang="en"' in narrow
    assert "/accounts/signup/" in wide and "/accounts/signup/" in narrow


def test_a_member_sees_the_account_menu_and_own_links_in_both_menus(client):
    client.force_login(UserFactory())
    page = client.get("/sectors/").content.decode()
    wide, narrow = header_parts(page)
    assert links(wide) == links(narrow)
    assert ("/sectors/", ' aria-current="page"') in links(wide)
    logout = 'action="/accounts/logout/"'
    assert wide.count(logout) == narrow.count(logout) == 1
    english = client.get("/en/sectors/").content.decode()
    assert "Log out" in header_parts(english)[1] and "Cerrar sesión" not in english
