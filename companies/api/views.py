"""API views of the companies app: the public directory, my companies and their products."""

from django.db.models import Model, OuterRef, Subquery
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.response import Response

from companies import selectors
from companies.api import serializers
from companies.api.permissions import CompanyScopedMixin
from companies.filters import DirectoryFilter
from companies.forms import CompanyIdentityForm, CompanyProfileForm, ProductForm
from companies.models import Company, CompanyProduct, Membership
from opportunities.matching import services as matching
from tradeportal.api import cleaned_data

COMPANY_PK = OpenApiParameter("company_pk", OpenApiTypes.INT, "path")


def register(router) -> None:
    router.register("companies", DirectoryViewSet, basename="company")
    router.register("my/companies", MyCompanyViewSet, basename="my-company")
    router.register(
        r"my/companies/(?P<company_pk>[0-9]+)/products", ProductViewSet, basename="my-product"
    )


@extend_schema_view(retrieve=extend_schema(description="One company's public page."))
class DirectoryViewSet(viewsets.ReadOnlyModelViewSet):
    """The public directory: verified companies that chose a public page, as the site shows them."""

    serializer_class = serializers.PublicCompanySerializer
    filterset_class = DirectoryFilter

    def get_queryset(self):
        return selectors.directory()


@extend_schema_view(
    update=extend_schema(description="Edit the profile (the country and tax id never change)."),
    partial_update=extend_schema(
        description="Edit part of the profile (the country and tax id never change)."
    ),
)
class MyCompanyViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """The companies the signed-in user belongs to; members edit the profile as on the site."""

    serializer_class = serializers.MyCompanySerializer
    permission_classes = [permissions.IsAuthenticated]
    filter_backends: list = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator's dry run
            return Company.objects.none()
        role = Membership.objects.filter(company=OuterRef("pk"), user=self.request.user)
        return (
            Company.objects.of_user(self.request.user)
            .select_related("region")
            .prefetch_related("sectors")
            .annotate(my_role=Subquery(role.values("role")[:1]))
            .order_by("legal_name", "pk")
        )

    def perform_update(self, serializer):
        company = serializer.instance
        identity, profile = (
            CompanyIdentityForm(instance=company),
            CompanyProfileForm(instance=company),
        )
        data = _form_values({**identity.initial, **profile.initial, **serializer.validated_data})
        identity = CompanyIdentityForm(data=data, instance=company)
        profile = CompanyProfileForm(data=data, files={}, instance=company)
        changes = {**cleaned_data(identity), **cleaned_data(profile)}
        for fixed in ("country", "tax_id", "logo"):
            changes.pop(fixed, None)
        matching.update_company(company=company, data=changes)
        serializer.instance = self.get_queryset().get(pk=company.pk)


def _form_values(data: dict) -> dict:
    """Model instances as the primary keys a form expects."""

    def value(item):
        return item.pk if isinstance(item, Model) else item

    return {
        key: [value(v) for v in item] if isinstance(item, list | tuple) else value(item)
        for key, item in data.items()
    }


@extend_schema(parameters=[COMPANY_PK])
@extend_schema_view(
    create=extend_schema(description="Add a product, or update the volume of one listed."),
    destroy=extend_schema(description="Remove a product; the company is matched again."),
)
class ProductViewSet(
    CompanyScopedMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """HS codes the company exports or wants to import; adding one again updates its volume."""

    serializer_class = serializers.ProductSerializer
    pagination_class = None
    filter_backends: list = []

    def get_queryset(self):
        return (
            CompanyProduct.objects.filter(company=self.company)
            .select_related("hs_code")
            .order_by("direction", "hs_code_id", "pk")
        )

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        form = ProductForm(data={**data, "yearly_volume_usd": data.get("yearly_volume_usd") or ""})
        product = matching.add_product(company=self.company, **cleaned_data(form))
        return Response(self.get_serializer(product).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        matching.remove_product(company=self.company, product_id=instance.pk)
