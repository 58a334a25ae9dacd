import pytest

from tests.factories import HSCodeFactory, RegionFactory, SectorFactory, UserFactory
from tradeportal.text import fold


@pytest.fixture
def regions():
    return {
        "cdmx": RegionFactory(code="MX-CMX", name="Ciudad de México", national_code="09"),
        "lima": RegionFactory(code="PE-LIM", country="PE", name="Lima", national_code="150000"),
    }


@pytest.fixture
def hs_codes():
    def code(number: str, es: str, en: str):
        return HSCodeFactory(
            code=number,
            description_es=es,
            description_en=en,
            search_text=fold(f"{number} {en} {es}"),
        )

    return {
        "coffee": code("0901", "Café, incluso tostado o descafeinado", "Coffee"),
        "copper": code("7403", "Cobre refinado y aleaciones de cobre", "Copper; refined"),
        "grapes": code("080610", "Uvas frescas", "Grapes; fresh"),
    }


@pytest.fixture
def sector():
    return SectorFactory(slug="agribusiness", name_es="Agroindustria", name_en="Agribusiness")


@pytest.fixture
def owner(client):
    user = UserFactory(email="duena@cafe.mx")
    client.force_login(user)
    return user


IDENTITY = {
    "legal_name": "Café de Altura S.A. de C.V.",
    "trade_name": "Café de Altura",
    "country": "MX",
    "tax_id": "MAB9307148T4",
    "region": "MX-CMX",
    "city": "Coyoacán",
    "website": "https://cafedealtura.mx",
    "year_founded": "2009",
    "size": "small",
}
