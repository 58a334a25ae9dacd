"""API views of the opportunities app: reference data, opportunities, trade statistics, and the
signed-in user's buyer requests, matches and notification preferences."""

import django_filters
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from companies import services as account_services
from companies.api.permissions import CompanyScopedMixin
from companies.models import Region
from opportunities.api import deals, entries, serializers
from opportunities.listings import services
from opportunities.listings.filters import OpportunityFilter, open_opportunities
from opportunities.listings.forms import BuyerRequestForm
from opportunities.matching import interests
from opportunities.matching import selectors as match_selectors
from opportunities.matching import services as matching_services
from opportunities.models import HSCode, Match, Opportunity, Sector, TradeFlow
from opportunities.notifications.forms import PreferencesForm
from opportunities.reference.hs_search import search_codes
from opportunities.trade import selectors as trade_selectors
from tradeportal import planning
from tradeportal.api import PageOrKeysetPagination, cleaned_data
from tradeportal.i18n import Country


def register(router) -> None:
    router.register("sectors", SectorViewSet, basename="sector")
    router.register("hs-codes", HSCodeViewSet, basename="hs-code")
    router.register("regions", RegionViewSet, basename="region")
    router.register("opportunities", OpportunityViewSet, basename="opportunity")
    router.register("trade-statistics", TradeStatisticsViewSet, basename="trade-statistics")
    router.register(
        r"my/companies/(?P<company_pk>[0-9]+)/requests", BuyerRequestViewSet, basename="my-request"
    )
    router.register(
        r"my/companies/(?P<company_pk>[0-9]+)/matches", MatchViewSet, basename="my-match"
    )
    router.register(
        "my/notification-preferences", NotificationPreferenceViewSet, basename="my-notification"
    )
    deals.register(router)


# Reference data -------------------------------------------------------------------------------


@extend_schema_view(retrieve=extend_schema(description="One active sector."))
class SectorViewSet(viewsets.ReadOnlyModelViewSet):
    """Active sectors, in the site's order."""

    queryset = Sector.objects.active().order_by("order", "slug")
    serializer_class = serializers.SectorSerializer
    lookup_field = "slug"
    pagination_class = None
    filter_backends: list = []


class HSCodeFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="search",
        label=(
            'Digits ("0806", "08.06"), trade names or words in Spanish or English, ranked '
            '("pota", "palta hass", "calamar congelado", "copper"); one typo is tolerated'
        ),
    )
    level = django_filters.TypedChoiceFilter(
        choices=[(2, "2"), (4, "4"), (6, "6")],
        coerce=int,
        label="Chapters, headings or subheadings",
    )
    parent = django_filters.CharFilter(field_name="parent_id", label="Children of this code")

    class Meta:
        model = HSCode
        fields: list[str] = []

    def search(self, queryset, name, value):
        return queryset  # applied in the view, on the form's search: see HSCodeViewSet


@extend_schema_view(retrieve=extend_schema(description="One chapter, heading or subheading."))
class HSCodeViewSet(viewsets.ReadOnlyModelViewSet):
    """The HS 2022 nomenclature; `q` searches it the way the site's forms do (at most 50 codes)."""

    queryset = HSCode.objects.order_by("code")
    serializer_class = serializers.HSCodeSerializer
    filterset_class = HSCodeFilter
    lookup_value_regex = "[0-9]{2,6}"

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        query = self.request.query_params.get("q", "").strip()
        if not query or self.action != "list":
            return queryset
        level = self.request.query_params.get("level")
        levels = (int(level),) if level in ("2", "4", "6") else (4, 6)
        return search_codes(query, levels=levels, limit=50)


class RegionFilter(django_filters.FilterSet):
    country = django_filters.ChoiceFilter(choices=Country.choices)

    class Meta:
        model = Region
        fields: list[str] = []


@extend_schema_view(retrieve=extend_schema(description="One state or region."))
class RegionViewSet(viewsets.ReadOnlyModelViewSet):
    """Mexico's states and Peru's regions."""

    queryset = Region.objects.order_by("country", "name", "code")
    serializer_class = serializers.RegionSerializer
    filterset_class = RegionFilter
    pagination_class = None
    lookup_value_regex = "[A-Z]{2}-[A-Z0-9]{1,3}"


# Opportunities --------------------------------------------------------------------------------


@extend_schema_view(
    retrieve=extend_schema(
        description="One open opportunity, with the yearly figures and the source behind it."
    )
)
class OpportunityViewSet(viewsets.ReadOnlyModelViewSet):
    """Open opportunities, with the browse page's filters, full-text search and sorting.

    The list comes in keyset pages: follow `next` (its `cursor`); no total count. A `page`
    number gives numbered pages with the `count` instead, as before.
    """

    filterset_class = OpportunityFilter
    pagination_class = PageOrKeysetPagination

    def get_queryset(self):
        if self.action != "list":
            return open_opportunities()
        return open_opportunities().select_related(None)

    def get_serializer_class(self):
        if self.action == "retrieve":
            return serializers.OpportunityDetailSerializer
        return serializers.OpportunitySerializer

    def list(self, request, *args, **kwargs):
        # Plain rows and entries built from them (entries.py): OpportunitySerializer's JSON
        # without a model instance or a serializer walk per opportunity.
        rows = self.paginate_queryset(entries.rows(self.filter_queryset(self.get_queryset())))
        return self.get_paginated_response(entries.entries(rows, request))


@extend_schema_view(
    list=extend_schema(parameters=[serializers.TradeStatisticsQuerySerializer]),
)
class TradeStatisticsViewSet(viewsets.GenericViewSet):
    """Trade values summed in the database by market, partner, flow, HS code and year."""

    serializer_class = serializers.TradeStatisticSerializer
    filter_backends: list = []
    queryset = TradeFlow.objects.none()

    def list(self, request):
        query = serializers.TradeStatisticsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        rows = self.paginate_queryset(trade_selectors.aggregate_trade(**query.validated_data))
        return self.get_paginated_response(self.get_serializer(rows, many=True).data)


# The signed-in user's buyer requests ---------------------------------------------------------


@extend_schema(parameters=[OpenApiParameter("company_pk", OpenApiTypes.INT, "path")])
@extend_schema_view(
    create=extend_schema(description="Post a buyer request; it is published after moderation."),
    update=extend_schema(description="Edit a buyer request; it goes back to moderation."),
    partial_update=extend_schema(description="Edit a buyer request; it goes back to moderation."),
)
class BuyerRequestViewSet(
    CompanyScopedMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """The company's buyer requests; posting or editing one sends it to moderation."""

    serializer_class = serializers.BuyerRequestSerializer
    filter_backends: list = []

    def get_queryset(self):
        return (
            Opportunity.objects.filter(company=self.company, kind=Opportunity.Kind.REQUEST)
            .select_related("hs_code")
            .order_by("-created_at", "-pk")
        )

    def perform_create(self, serializer):
        serializer.instance = self._save(serializer, None)

    def perform_update(self, serializer):
        serializer.instance = self._save(serializer, serializer.instance)

    def _save(self, serializer, instance):
        initial = BuyerRequestForm(instance=instance).initial if instance else {}
        form = BuyerRequestForm(
            data={**initial, **serializer.validated_data}, instance=instance or Opportunity()
        )
        data = cleaned_data(form)
        return services.save_buyer_request(
            company=self.company, user=self.request.user, data=data, opportunity=instance
        )

    @extend_schema(request=None, responses=serializers.BuyerRequestSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, company_pk=None, pk=None):
        """Close the buyer request; it stays listed with its history."""
        opportunity = self.get_object()
        matching_services.close_request(opportunity=opportunity)
        return Response(self.get_serializer(opportunity).data)


# The signed-in user's matches -----------------------------------------------------------------


@extend_schema(parameters=[OpenApiParameter("company_pk", OpenApiTypes.INT, "path")])
@extend_schema_view(retrieve=extend_schema(description="One of the company's matches."))
class MatchViewSet(CompanyScopedMixin, viewsets.ReadOnlyModelViewSet):
    """The company's current matches, best first, with their reasons in the request's language."""

    serializer_class = serializers.MatchSerializer
    filterset_class = match_selectors.MatchFilter

    def get_queryset(self):
        return match_selectors.company_matches(self.company)

    def filter_queryset(self, queryset):
        # The filters (and hiding dismissed matches) are for the list; an action on a dismissed
        # match must still find it.
        return super().filter_queryset(queryset) if self.action == "list" else queryset

    def list(self, request, *args, **kwargs):
        # Plain rows and entries built from them (entries.py), as for the opportunity list:
        # MatchSerializer's JSON without model instances or a query built over five joins.
        queryset = entries.match_rows(self.filter_queryset(self.get_queryset()))
        with planning.joins_as_written():  # eight tables joined to one company's matches
            rows = self.paginate_queryset(queryset)
        return self.get_paginated_response(entries.match_entries(rows, request))

    @extend_schema(request=None, responses=serializers.MatchSerializer)
    @action(detail=True, methods=["post"])
    def dismiss(self, request, company_pk=None, pk=None):
        """Mark the match as not relevant (similar matches then rank lower)."""
        return self._set_status(Match.Status.DISMISSED)

    @extend_schema(request=None, responses=serializers.MatchSerializer)
    @action(detail=True, methods=["post"])
    def restore(self, request, company_pk=None, pk=None):
        """Undo a dismissal."""
        return self._set_status(Match.Status.SEEN)

    @extend_schema(
        request=serializers.InterestInputSerializer, responses=serializers.MatchSerializer
    )
    @action(detail=True, methods=["post"])
    def interested(self, request, company_pk=None, pk=None):
        """Say the company is interested: the other side is told, as with the site's button."""
        match = self.get_object()
        data = serializers.InterestInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        interests.express_interest(
            company=self.company,
            user=request.user,
            opportunity=match.opportunity,
            target_company=match.counterpart,
            message=data.validated_data.get("message", ""),
        )
        return Response(self.get_serializer(self.get_object()).data)

    def _set_status(self, status: str):
        match = self.get_object()
        interests.set_match_status(match=match, status=status)
        return Response(self.get_serializer(self.get_object()).data)


# The signed-in user's notification preferences ------------------------------------------------


@extend_schema_view(
    retrieve=extend_schema(parameters=[OpenApiParameter("company", OpenApiTypes.INT, "path")]),
    update=extend_schema(parameters=[OpenApiParameter("company", OpenApiTypes.INT, "path")]),
    partial_update=extend_schema(
        parameters=[OpenApiParameter("company", OpenApiTypes.INT, "path")]
    ),
)
class NotificationPreferenceViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """How often the user hears of new matches, for each company they belong to."""

    serializer_class = serializers.NotificationPreferenceSerializer
    permission_classes = [permissions.IsAuthenticated]
    pagination_class = None
    filter_backends: list = []
    lookup_field = "company"
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        return self.request.user.memberships.select_related("company").order_by("company_id")

    def get_object(self):
        return get_object_or_404(self.get_queryset(), company_id=self.kwargs["company"])

    def perform_update(self, serializer):
        membership = serializer.instance
        current = {
            "notify_frequency": membership.notify_frequency,
            "notify_min_score": membership.notify_min_score,
        }
        form = PreferencesForm(data={**current, **serializer.validated_data}, instance=membership)
        account_services.set_notifications(membership=membership, **cleaned_data(form))
