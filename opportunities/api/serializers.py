"""Serializers of the opportunities API: reference data, opportunities, statistics, matches."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from companies.models import Certification, Membership, NotificationFrequency, Region
from opportunities.matching import reasons
from opportunities.models import (
    Flow,
    HSCode,
    Incoterm,
    Match,
    Opportunity,
    Sector,
    TradeDataset,
)
from tradeportal.i18n import Country


def plain_fields(serializer, instance) -> dict:
    """The serializer's fields other than its NESTED ones, each through its own DRF field's
    to_representation, for list entries built by hand (the field list is read once)."""
    plain = getattr(serializer, "_plain", None)
    if plain is None:
        plain = serializer._plain = [
            (name, field.source, field.to_representation)
            for name, field in serializer.fields.items()
            if name not in serializer.NESTED
        ]
    data = {}
    for name, source, represent in plain:
        value = getattr(instance, source)
        data[name] = None if value is None else represent(value)
    return data


class OptionalURLField(serializers.URLField):
    """A URL the owner may leave empty: null in responses (an empty string is not a URL)."""

    def __init__(self, **kwargs):
        super().__init__(allow_null=True, allow_blank=True, required=False, **kwargs)

    def to_internal_value(self, data):
        return super().to_internal_value(data) if data else ""

    def to_representation(self, value):
        return value or None


class SectorSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True, help_text="In the request's language.")
    description = serializers.CharField(read_only=True)

    class Meta:
        model = Sector
        fields = ["slug", "name", "description", "is_highlighted", "name_es", "name_en"]


class HSCodeSerializer(serializers.ModelSerializer):
    description = serializers.CharField(read_only=True, help_text="In the request's language.")
    parent = serializers.CharField(source="parent_id", read_only=True, allow_null=True)

    class Meta:
        model = HSCode
        fields = ["code", "level", "description", "parent", "description_es", "description_en"]


class HSCodeBriefSerializer(serializers.ModelSerializer):
    description = serializers.CharField(read_only=True, help_text="In the request's language.")

    class Meta:
        model = HSCode
        fields = ["code", "level", "description"]


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["code", "country", "name", "national_code", "capital"]


class RegionBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["code", "name"]


class BuyerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="display_name")


class OpportunitySerializer(serializers.ModelSerializer):
    market = serializers.ChoiceField(source="market_country", choices=Country.choices)
    market_region = RegionBriefSerializer(read_only=True, allow_null=True)
    hs_code = HSCodeBriefSerializer(read_only=True)
    sector = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    buyer = BuyerSerializer(source="company", read_only=True, allow_null=True)
    incoterm = serializers.ChoiceField(choices=Incoterm.choices, allow_blank=True, read_only=True)
    source_url = OptionalURLField(read_only=True)
    url = serializers.SerializerMethodField(help_text="The opportunity's page on the site.")

    class Meta:
        model = Opportunity
        fields = [
            "id",
            "kind",
            "title",
            "description",
            "market",
            "market_region",
            "hs_code",
            "sector",
            "value_usd",
            "imports_world_usd",
            "imports_partner_usd",
            "growth_pct",
            "potential_usd",
            "unrealised_usd",
            "period_start",
            "period_end",
            "is_thin_data",
            "is_demo",
            "buyer",
            "quantity",
            "unit",
            "target_price_usd",
            "incoterm",
            "destination",
            "required_certifications",
            "source_url",
            "deadline",
            "published_at",
            "url",
        ]
        read_only_fields = fields

    def get_url(self, opportunity: Opportunity) -> str:
        return self.context["request"].build_absolute_uri(opportunity.get_absolute_url())

    # Built by hand: DRF's generic walk (get_attribute, nested serializers, one call per field)
    # was most of a list page's time. Same JSON: each plain field keeps its own DRF field's
    # to_representation; the nested ones are the brief serializers' fields.
    NESTED = ("market_region", "hs_code", "sector", "buyer", "url")

    def to_representation(self, opportunity):
        if type(self) is not OpportunitySerializer:  # the detail: few, and nested figures
            return super().to_representation(opportunity)
        data = plain_fields(self, opportunity)
        region = opportunity.market_region
        hs = opportunity.hs_code
        sector = opportunity.sector
        company = opportunity.company
        data["market_region"] = region and {"code": region.code, "name": region.name}
        data["hs_code"] = hs and {"code": hs.code, "level": hs.level, "description": hs.description}
        data["sector"] = sector and sector.slug
        data["buyer"] = company and {"id": company.pk, "name": company.display_name}
        data["url"] = self.get_url(opportunity)
        return {name: data[name] for name in self.Meta.fields}


class FiguresSerializer(serializers.Serializer):
    years = serializers.ListField(child=serializers.IntegerField())
    world = serializers.ListField(child=serializers.FloatField(), help_text="Imports, US$.")
    partner = serializers.ListField(child=serializers.FloatField(), help_text="From the partner.")
    origins = serializers.ListField(
        child=serializers.ListField(child=serializers.JSONField(), min_length=2, max_length=2),
        help_text="Main suppliers in the last year: [ISO alpha-3 code, US$].",
    )


class DataSourceSerializer(serializers.Serializer):
    source = serializers.CharField()
    name = serializers.CharField()
    version = serializers.CharField()
    is_synthetic = serializers.BooleanField()


class OpportunityDetailSerializer(OpportunitySerializer):
    figures = serializers.SerializerMethodField()
    data_source = DataSourceSerializer(source="dataset", read_only=True, allow_null=True)

    class Meta(OpportunitySerializer.Meta):
        fields = [*OpportunitySerializer.Meta.fields, "figures", "data_source"]
        read_only_fields = fields

    @extend_schema_field(FiguresSerializer(allow_null=True))
    def get_figures(self, opportunity: Opportunity) -> dict | None:
        return opportunity.figures or None


class TradeStatisticsQuerySerializer(serializers.Serializer):
    market = serializers.ChoiceField(
        choices=["MEX", "PER"], required=False, help_text="Reporting (importing) country."
    )
    partner = serializers.RegexField(
        r"^[A-Z]{3}$", required=False, help_text="ISO alpha-3 partner, or WLD for the world."
    )
    level = serializers.ChoiceField(
        choices=[2, 4, 6], default=4, help_text="Aggregate to HS chapters, headings or subheadings."
    )
    hs = serializers.RegexField(r"^[0-9]{2,6}$", required=False, help_text="HS code prefix.")
    year = serializers.IntegerField(min_value=1990, max_value=2100, required=False)
    flow = serializers.ChoiceField(choices=Flow.choices, default=Flow.IMPORT)
    region = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Region.objects.all(),
        required=False,
        help_text="A Mexican state or Peruvian region; without it, national figures.",
    )
    source = serializers.ChoiceField(
        choices=TradeDataset.Source.choices,
        required=False,
        help_text="Only this source's datasets (sources can overlap: pick one to avoid sums "
        "of the same trade counted twice).",
    )


class TradeStatisticSerializer(serializers.Serializer):
    market = serializers.CharField(help_text="ISO alpha-3 reporting country.")
    partner = serializers.CharField(help_text="ISO alpha-3 partner, WLD for the world.")
    flow = serializers.ChoiceField(choices=Flow.choices)
    hs_code = serializers.CharField(source="code", help_text="Chapter, heading or subheading.")
    year = serializers.IntegerField()
    value_usd = serializers.DecimalField(max_digits=20, decimal_places=2)


class CounterpartSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="display_name")
    country = serializers.ChoiceField(choices=Country.choices)
    region = RegionBriefSerializer()


class MatchSerializer(serializers.ModelSerializer):
    opportunity = OpportunitySerializer(read_only=True, allow_null=True)
    counterpart = CounterpartSerializer(read_only=True, allow_null=True)
    reasons = serializers.SerializerMethodField(
        help_text="Why it matches, in the request's language."
    )
    components = serializers.DictField(child=serializers.FloatField(), read_only=True)

    class Meta:
        model = Match
        fields = [
            "id",
            "kind",
            "score",
            "status",
            "opportunity",
            "counterpart",
            "reasons",
            "components",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_reasons(self, match: Match) -> list[str]:
        return reasons.render(match.reasons)

    # Built by hand: DRF's generic walk over the nested serializers was most of a response's
    # time. Same JSON: each plain field keeps its own DRF field's to_representation, the
    # opportunity its serializer's, the counterpart is CounterpartSerializer's fields written
    # directly. The list's entries are built from plain rows the same way (entries.py).
    NESTED = ("opportunity", "counterpart", "reasons", "components")

    def to_representation(self, match):
        data = plain_fields(self, match)
        opportunity = match.opportunity
        data["opportunity"] = (
            None
            if opportunity is None
            else self.fields["opportunity"].to_representation(opportunity)
        )
        counterpart = match.counterpart
        region = counterpart and counterpart.region
        data["counterpart"] = counterpart and {
            "id": counterpart.pk,
            "name": counterpart.display_name,
            "country": counterpart.country,
            "region": region and {"code": region.code, "name": region.name},
        }
        data["reasons"] = self.get_reasons(match)
        data["components"] = self.fields["components"].to_representation(match.components)
        return {name: data[name] for name in self.Meta.fields}


class InterestInputSerializer(serializers.Serializer):
    message = serializers.CharField(
        max_length=1000, required=False, allow_blank=True, help_text="Sent to the other side."
    )


class BuyerRequestSerializer(serializers.ModelSerializer):
    """A buyer request as its company sees it (every status, with the moderation note)."""

    hs_code = serializers.CharField(
        max_length=8, help_text="A heading (4 digits) or subheading (6 digits)."
    )
    hs_description = serializers.CharField(source="hs_code.description", read_only=True)
    required_certifications = serializers.ListField(
        child=serializers.ChoiceField(choices=Certification.choices), required=False
    )
    incoterm = serializers.ChoiceField(choices=Incoterm.choices, required=False, allow_blank=True)
    deadline = serializers.DateTimeField()

    class Meta:
        model = Opportunity
        fields = [
            "id",
            "status",
            "title",
            "description",
            "hs_code",
            "hs_description",
            "quantity",
            "unit",
            "target_price_usd",
            "incoterm",
            "destination",
            "deadline",
            "required_certifications",
            "moderation_note",
            "market_country",
            "published_at",
            "closed_at",
            "created_at",
        ]
        read_only_fields = [
            "id",
            "status",
            "moderation_note",
            "market_country",
            "published_at",
            "closed_at",
            "created_at",
        ]
        extra_kwargs = {"title": {"required": True, "allow_blank": False}}

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["hs_code"] = instance.hs_code_id
        return data


class NotificationPreferenceSerializer(serializers.ModelSerializer):
    company = serializers.IntegerField(source="company_id", read_only=True)
    company_name = serializers.CharField(source="company.display_name", read_only=True)
    notify_frequency = serializers.ChoiceField(choices=NotificationFrequency.choices)
    notify_min_score = serializers.IntegerField(min_value=0, max_value=100)

    class Meta:
        model = Membership
        fields = ["company", "company_name", "notify_frequency", "notify_min_score"]
