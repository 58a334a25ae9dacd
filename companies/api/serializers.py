"""Serializers of the companies API: the public directory, and a member's own companies."""

from rest_framework import serializers

from companies.forms import LANGUAGE_CHOICES
from companies.models import (
    Certification,
    Company,
    CompanyProduct,
    Direction,
    Membership,
    Region,
)
from opportunities.api.serializers import OptionalURLField, RegionBriefSerializer
from opportunities.models import Sector
from tradeportal.text import legal_name


class ProductSerializer(serializers.ModelSerializer):
    hs_code = serializers.CharField(
        max_length=8, help_text="A heading (4 digits) or subheading (6 digits)."
    )
    hs_description = serializers.CharField(source="hs_code.description", read_only=True)
    direction = serializers.ChoiceField(choices=Direction.choices)
    yearly_volume_usd = serializers.DecimalField(
        max_digits=14, decimal_places=0, min_value=0, required=False, allow_null=True
    )

    class Meta:
        model = CompanyProduct
        fields = ["id", "hs_code", "hs_description", "direction", "yearly_volume_usd"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["hs_code"] = instance.hs_code_id
        return data


class PublicProductSerializer(serializers.ModelSerializer):
    hs_code = serializers.CharField(source="hs_code_id")
    hs_description = serializers.CharField(source="hs_code.description")

    class Meta:
        model = CompanyProduct
        fields = ["hs_code", "hs_description", "direction"]


class PublicCompanySerializer(serializers.ModelSerializer):
    """What the public directory shows of a verified company: never members, tax id or emails."""

    name = serializers.CharField(source="display_name")
    region = RegionBriefSerializer()
    sectors = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    products = PublicProductSerializer(many=True)
    website = OptionalURLField(read_only=True)
    url = serializers.SerializerMethodField(help_text="The company's public page on the site.")

    class Meta:
        model = Company
        fields = [
            "id",
            "name",
            "country",
            "region",
            "city",
            "size",
            "description",
            "sectors",
            "products",
            "certifications",
            "other_certifications",
            "languages",
            "website",
            "url",
        ]
        read_only_fields = fields

    def get_url(self, company: Company) -> str:
        return self.context["request"].build_absolute_uri(company.get_absolute_url())


class MyCompanySerializer(serializers.ModelSerializer):
    """A company as its members see and edit it (the country and tax id never change)."""

    name = serializers.CharField(source="display_name", read_only=True)
    region = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.all())
    sectors = serializers.SlugRelatedField(
        slug_field="slug", many=True, queryset=Sector.objects.active(), required=False
    )
    certifications = serializers.ListField(
        child=serializers.ChoiceField(choices=Certification.choices), required=False
    )
    languages = serializers.ListField(
        child=serializers.ChoiceField(choices=LANGUAGE_CHOICES), required=False
    )
    website = OptionalURLField()
    contact_languages = serializers.ListField(
        child=serializers.ChoiceField(choices=LANGUAGE_CHOICES), required=False
    )
    my_role = serializers.ChoiceField(
        choices=Membership.Role.choices, read_only=True, help_text="The user's role in it."
    )

    def validate_legal_name(self, value: str) -> str:
        return legal_name(value)

    class Meta:
        model = Company
        fields = [
            "id",
            "name",
            "legal_name",
            "trade_name",
            "country",
            "tax_id",
            "region",
            "city",
            "website",
            "year_founded",
            "size",
            "sectors",
            "certifications",
            "other_certifications",
            "languages",
            "description",
            "is_public",
            "contact_name",
            "contact_role",
            "contact_email",
            "contact_phone",
            "contact_languages",
            "status",
            "status_reason",
            "verified_at",
            "my_role",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "id",
            "country",
            "tax_id",
            "status",
            "status_reason",
            "verified_at",
            "created_at",
            "updated_at",
        ]
