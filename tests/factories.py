"""factory_boy factories for the core models; add yours here with small edits."""

import io
import os

import factory
from django.utils import timezone
from pypdf import PdfWriter

from companies.models import (
    Company,
    CompanyProduct,
    Membership,
    PrivacyConsent,
    PrivacyNotice,
    Region,
    SizeBand,
    User,
)
from opportunities.models import (
    HSCode,
    HSSection,
    Match,
    Opportunity,
    Sector,
    TradeDataset,
    TradeFlow,
)
from tradeportal.text import fold


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    language = "es"
    password = factory.PostGenerationMethodCall("set_password", "a-Strong-pass-123")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()

    @factory.post_generation
    def accepted_privacy(obj, create, extracted, **kwargs):
        """Users accepted the privacy notice in force at sign-up (accepted_privacy=False: not)."""
        notice = PrivacyNotice.objects.current()
        if create and extracted is not False and notice is not None:
            PrivacyConsent.objects.get_or_create(user=obj, notice=notice)


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = "MX-CMX"
    country = factory.LazyAttribute(lambda o: o.code[:2])
    name = factory.LazyAttribute(
        lambda o: {"MX-CMX": "Ciudad de México", "PE-LIM": "Lima"}.get(o.code, o.code)
    )
    national_code = factory.Sequence(lambda n: f"{n:02d}")


class HSSectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HSSection
        django_get_or_create = ("code",)

    code = "XVI"
    position = factory.Sequence(lambda n: 100 + n)
    name_en = "Machinery and mechanical appliances; electrical equipment"
    name_es = "Máquinas y aparatos, material eléctrico"


class HSCodeFactory(factory.django.DjangoModelFactory):
    """An HS code; its parents (chapter, heading) are created as needed."""

    class Meta:
        model = HSCode
        django_get_or_create = ("code",)

    code = "852852"
    level = factory.LazyAttribute(lambda o: len(o.code))
    section = factory.SubFactory(HSSectionFactory)
    description_en = factory.LazyAttribute(lambda o: f"Product {o.code}")
    description_es = factory.LazyAttribute(lambda o: f"Producto {o.code}")
    search_text = factory.LazyAttribute(
        lambda o: fold(f"{o.code} {o.description_en} {o.description_es}")
    )
    parent = factory.LazyAttribute(
        lambda o: HSCodeFactory(code=o.code[:-2], section=o.section) if len(o.code) > 2 else None
    )


class SectorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sector
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"sector-{n}")
    name_es = factory.LazyAttribute(lambda o: f"Sector {o.slug}")
    name_en = factory.LazyAttribute(lambda o: f"Sector {o.slug}")


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company

    legal_name = factory.Sequence(lambda n: f"Empresa {n} S.A. de C.V.")
    country = factory.LazyAttribute(lambda o: o.region.country)
    tax_id = factory.Sequence(lambda n: f"TAX{n:010d}")
    region = factory.SubFactory(RegionFactory)
    size = SizeBand.SMALL
    status = Company.Status.VERIFIED


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    company = factory.SubFactory(CompanyFactory)
    role = Membership.Role.OWNER


class CompanyProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CompanyProduct

    company = factory.SubFactory(CompanyFactory)
    hs_code = factory.SubFactory(HSCodeFactory)
    direction = "export"


class TradeDatasetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TradeDataset

    source = TradeDataset.Source.DEMO
    name = factory.Sequence(lambda n: f"dataset-{n}.csv")
    is_synthetic = True


class TradeFlowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TradeFlow

    dataset = factory.SubFactory(TradeDatasetFactory)
    reporter = "PER"
    partner = "MEX"
    flow = "M"
    hs_code = factory.SubFactory(HSCodeFactory)
    year = 2024
    value_usd = 1_000_000


class OpportunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Opportunity

    kind = Opportunity.Kind.DEMAND
    status = Opportunity.Status.PUBLISHED
    market_country = "PE"
    hs_code = factory.SubFactory(HSCodeFactory)
    value_usd = 10_000_000
    published_at = factory.LazyFunction(timezone.now)


class MatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Match

    company = factory.SubFactory(CompanyFactory)
    kind = Match.Kind.OPPORTUNITY
    opportunity = factory.SubFactory(OpportunityFactory)
    score = 75.0


def image_bytes(fmt: str, size: tuple[int, int] = (40, 40), noise: bool = False) -> bytes:
    """An image file's bytes; with noise it does not compress, to make a large file."""
    from PIL import Image

    picture = Image.new("RGB", size, "green")
    if noise:
        picture = Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))
    buffer = io.BytesIO()
    picture.save(buffer, fmt)
    return buffer.getvalue()


def pdf_bytes(pages: int = 1) -> bytes:
    """A real PDF of blank A4 pages (for conversation attachments)."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
