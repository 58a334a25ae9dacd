import pytest

from tests.factories import CompanyProductFactory, HSCodeFactory


@pytest.mark.django_db
def test_an_hs_subheading_comes_with_its_heading_and_chapter():
    code = HSCodeFactory(code="080610")
    assert code.parent.code == "0806"
    assert code.parent.parent.code == "08"
    assert code.parent.parent.parent is None


@pytest.mark.django_db
def test_a_company_product_belongs_to_a_company_in_its_region_country():
    product = CompanyProductFactory(company__region__code="PE-LIM")
    assert product.company.country == "PE"
