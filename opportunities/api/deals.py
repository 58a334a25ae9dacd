"""API of what follows a match: interests sent and received (with what they are about), answering
them, the contact card of an accepted counterpart, withdrawing. The same services as the site."""

from functools import cached_property

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import translation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from companies.api.permissions import CompanyScopedMixin
from opportunities.matching import (
    conversations,
    interests,
    introductions,
    outcomes,
    quotes,
    summaries,
)
from opportunities.models import (
    HSCode,
    Interest,
    IntroductionOutcome,
    Message,
    Opportunity,
    Quote,
    Sector,
    ValueBand,
)
from tradeportal.api_schema import ERRORS, ErrorSerializer, TradePortalAutoSchema


def register(router) -> None:
    router.register(
        r"my/companies/(?P<company_pk>[0-9]+)/interests", InterestViewSet, basename="my-interest"
    )
    router.register(
        r"my/companies/(?P<company_pk>[0-9]+)/interests/(?P<interest_pk>[0-9]+)/messages",
        MessageViewSet,
        basename="my-message",
    )
    router.register(
        r"my/companies/(?P<company_pk>[0-9]+)/quotes", QuoteViewSet, basename="my-quote"
    )
    router.register("results", ResultsViewSet, basename="results")


class ContactCardSerializer(serializers.Serializer):
    company = serializers.CharField()
    name = serializers.CharField()
    role = serializers.CharField()
    email = serializers.CharField()
    phone = serializers.CharField()
    languages = serializers.ListField(child=serializers.CharField())


class SummarySerializer(serializers.Serializer):
    product_code = serializers.CharField()
    product_words = serializers.CharField()
    score = serializers.IntegerField(allow_null=True)
    reasons = serializers.ListField(child=serializers.CharField())
    country = serializers.CharField()
    region = serializers.CharField()
    size = serializers.CharField()
    certifications = serializers.ListField(child=serializers.CharField())
    message = serializers.CharField()


class InterestSerializer(serializers.ModelSerializer):
    """An interest as one of its two firms sees it; the counterpart's contact card only while
    the introduction is open."""

    direction = serializers.SerializerMethodField(help_text="sent or received")
    counterpart = serializers.SerializerMethodField()
    counterpart_name = serializers.SerializerMethodField()
    is_introduction = serializers.BooleanField(read_only=True)
    summary = serializers.SerializerMethodField()
    contact_card = serializers.SerializerMethodField()

    class Meta:
        model = Interest
        fields = [
            "id",
            "direction",
            "counterpart",
            "counterpart_name",
            "opportunity",
            "status",
            "message",
            "answer_reason",
            "via_staff",
            "is_introduction",
            "summary",
            "contact_card",
            "created_at",
            "answered_at",
            "withdrawn_at",
        ]
        read_only_fields = fields

    @property
    def company(self):
        return self.context["company"]

    def get_direction(self, interest) -> str:
        return "sent" if interest.company_id == self.company.pk else "received"

    def _other(self, interest):
        return introductions.counterpart_of(interest, self.company)

    def get_counterpart(self, interest) -> int | None:
        other = self._other(interest)
        return other.pk if other else None

    def get_counterpart_name(self, interest) -> str:
        other = self._other(interest)
        return other.display_name if other else ""

    @extend_schema_field(SummarySerializer)
    def get_summary(self, interest) -> dict:
        summary = summaries.summarize(interest, summaries.matches_for([interest]).get(interest.pk))
        return SummarySerializer(summary).data

    @extend_schema_field(ContactCardSerializer(allow_null=True))
    def get_contact_card(self, interest) -> dict | None:
        card = introductions.visible_card(interest, self.company)
        return ContactCardSerializer(card).data if card else None


class OutcomeInputSerializer(serializers.Serializer):
    answer = serializers.ChoiceField(choices=IntroductionOutcome.Answer.choices)
    value_band = serializers.ChoiceField(
        choices=ValueBand.choices, required=False, allow_blank=True
    )
    product = serializers.SlugRelatedField(
        slug_field="code", queryset=HSCode.objects.selectable(), required=False, allow_null=True
    )


class OutcomeSerializer(serializers.ModelSerializer):
    class Meta:
        model = IntroductionOutcome
        fields = ["after_days", "answer", "value_band", "product", "asked_at", "answered_at"]
        read_only_fields = fields


class ResultsSerializer(serializers.Serializer):
    introductions = serializers.IntegerField(help_text="Accepted introductions.")
    answered = serializers.IntegerField(help_text="Introductions with at least one answer.")
    talking = serializers.IntegerField()
    deals = serializers.IntegerField(help_text="Introductions a firm said led to business.")
    bands = serializers.ListField(child=serializers.ListField(), help_text="[label, count]")
    since = serializers.DateTimeField(allow_null=True)


class AnswerSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True)


class MessageSerializer(serializers.ModelSerializer):
    mine = serializers.SerializerMethodField(help_text="Written by this company.")
    company_name = serializers.CharField(source="company.display_name", read_only=True)
    attachment = serializers.SerializerMethodField(help_text="Where to download the PDF.")

    class Meta:
        model = Message
        fields = [
            "id",
            "company",
            "company_name",
            "mine",
            "body",
            "attachment",
            "attachment_name",
            "attachment_size",
            "created_at",
        ]
        read_only_fields = fields

    def get_mine(self, message) -> bool:
        return message.company_id == self.context["company"].pk

    def get_attachment(self, message) -> str | None:
        if not message.attachment:
            return None
        company, interest = self.context["company"], message.thread.interest_id
        path = reverse(
            "my-message-attachment",
            kwargs={"company_pk": company.pk, "interest_pk": interest, "pk": message.pk},
        )
        return self.context["request"].build_absolute_uri(path)


class MessageInputSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    attachment = serializers.FileField(
        required=False, help_text="One PDF, at most 5 MB (checked by its content)."
    )


class ReportSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=1000)


class ReportOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    created_at = serializers.DateTimeField()


@extend_schema_view(
    list=extend_schema(description="Interests the company sent and received, newest first."),
    retrieve=extend_schema(description="One interest; the counterpart's contact card if open."),
)
class InterestViewSet(CompanyScopedMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = InterestSerializer

    def get_queryset(self):
        if self.company is None:
            return Interest.objects.none()
        related = ("company__region", "target_company", "opportunity__company")
        return (
            Interest.objects.filter(introductions.involving(self.company))
            .select_related(*related, "opportunity__hs_code")
            .order_by("-created_at", "-pk")
        )

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "company": self.company}

    @extend_schema(request=AnswerSerializer, responses=InterestSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, company_pk=None, pk=None):
        """Accept a received interest: it becomes an introduction and both sides get the other's
        contact card by email."""
        return self._answer(request, accept=True)

    @extend_schema(request=AnswerSerializer, responses=InterestSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request, company_pk=None, pk=None):
        """Decline a received interest, with a short reason."""
        return self._answer(request, accept=False)

    @extend_schema(request=None, responses=InterestSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, company_pk=None, pk=None):
        """Leave an open introduction: both contact cards are hidden again."""
        interests.withdraw_introduction(interest=self.get_object(), company=self.company)
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(request=ReportSerializer, responses={201: ReportOutputSerializer})
    @action(detail=True, methods=["post"])
    def report(self, request, company_pk=None, pk=None):
        """Report the conversation to staff, with a reason (staff then read it in the admin)."""
        data = ReportSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report = conversations.report_thread(
            interest=self.get_object(),
            company=self.company,
            user=request.user,
            reason=data.validated_data["reason"],
        )
        return Response(ReportOutputSerializer(report).data, status=201)

    @extend_schema(request=OutcomeInputSerializer, responses=OutcomeSerializer)
    @action(detail=True, methods=["post"])
    def outcome(self, request, company_pk=None, pk=None):
        """Say whether the introduction led to business (no, talking, yes; value band and
        product optional). Only totals are published."""
        data = OutcomeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        row = outcomes.answer_for_company(
            interest=self.get_object(), company=self.company, **data.validated_data
        )
        return Response(OutcomeSerializer(row).data)

    def _answer(self, request, *, accept: bool):
        data = AnswerSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        interests.answer_interest(
            interest=self.get_object(),
            company=self.company,
            accept=accept,
            reason=data.validated_data.get("reason", ""),
        )
        with translation.override(request.LANGUAGE_CODE):
            return Response(self.get_serializer(self.get_object()).data)


@extend_schema_view(
    list=extend_schema(description="The conversation of an accepted introduction, oldest first."),
    create=extend_schema(
        request={"multipart/form-data": MessageInputSerializer},
        responses={201: MessageSerializer},
        description="Write in an open introduction: text and at most one PDF (5 MB). The other "
        "side's members are emailed, at most once per thread every 15 minutes.",
    ),
)
class MessageViewSet(CompanyScopedMixin, viewsets.GenericViewSet):
    serializer_class = MessageSerializer
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @cached_property
    def interest(self) -> Interest:
        queryset = Interest.objects.filter(
            introductions.involving(self.company), status=Interest.Status.ACCEPTED
        ).select_related("company", "target_company", "opportunity__company")
        return get_object_or_404(queryset, pk=self.kwargs["interest_pk"])

    def get_queryset(self):
        if self.company is None:
            return Message.objects.none()
        return (
            Message.objects.filter(thread__interest=self.interest)
            .select_related("company", "thread")
            .order_by("created_at", "pk")
        )

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "company": self.company}

    def list(self, request, company_pk=None, interest_pk=None):
        page = self.paginate_queryset(self.get_queryset())
        conversations.mark_read(thread=conversations.thread_of(self.interest), user=request.user)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def create(self, request, company_pk=None, interest_pk=None):
        data = MessageInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        message = conversations.post_message(
            interest=self.interest,
            company=self.company,
            user=request.user,
            body=data.validated_data.get("body", ""),
            attachment=data.validated_data.get("attachment"),
        )
        return Response(self.get_serializer(message).data, status=201)

    @extend_schema(
        responses={(200, "application/pdf"): OpenApiTypes.BINARY},
        description="The message's PDF, for the two firms only.",
    )
    @action(detail=True, methods=["get"])
    def attachment(self, request, company_pk=None, interest_pk=None, pk=None):
        message = get_object_or_404(self.get_queryset().exclude(attachment=""), pk=pk)
        return conversations.attachment_response(message)


class QuoteSerializer(serializers.ModelSerializer):
    """A quote as the supplier that sent it or the buyer that received it sees it."""

    direction = serializers.SerializerMethodField(help_text="sent or received")
    supplier_name = serializers.CharField(source="supplier.display_name", read_only=True)
    request = serializers.PrimaryKeyRelatedField(
        queryset=Opportunity.objects.published().filter(kind=Opportunity.Kind.REQUEST)
    )

    class Meta:
        model = Quote
        fields = [
            "id",
            "direction",
            "request",
            "supplier",
            "supplier_name",
            *quotes.FIELDS,
            "status",
            "decline_reason",
            "interest",
            "created_at",
            "answered_at",
        ]
        read_only_fields = [
            "id",
            "supplier",
            "status",
            "decline_reason",
            "interest",
            "created_at",
            "answered_at",
        ]

    def get_direction(self, quote) -> str:
        return "sent" if quote.supplier_id == self.context["company"].pk else "received"


class DeclineSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


@extend_schema_view(
    list=extend_schema(description="Quotes the company sent, and quotes on its buyer requests."),
    create=extend_schema(description="Quote on a published buyer request (verified suppliers)."),
)
class QuoteViewSet(
    CompanyScopedMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = QuoteSerializer

    def get_queryset(self):
        if self.company is None:
            return Quote.objects.none()
        mine = Q(supplier=self.company) | Q(request__company=self.company)
        return (
            Quote.objects.filter(mine)
            .select_related("supplier", "request__company")
            .order_by("-created_at", "-pk")
        )

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "company": self.company}

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = quotes.submit_quote(
            request=data.pop("request"), supplier=self.company, user=self.request.user, data=data
        )

    @extend_schema(request=None, responses=QuoteSerializer)
    @action(detail=True, methods=["post"])
    def shortlist(self, request, company_pk=None, pk=None):
        """Put a received quote on the buyer's shortlist."""
        quotes.shortlist_quote(quote=self.get_object(), company=self.company)
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(request=None, responses=QuoteSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, company_pk=None, pk=None):
        """Accept a received quote: the introduction opens and the request closes."""
        quotes.accept_quote(quote=self.get_object(), company=self.company, user=request.user)
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(request=DeclineSerializer, responses=QuoteSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request, company_pk=None, pk=None):
        """Decline a received quote with a reason; the supplier is told."""
        data = DeclineSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        quotes.decline_quote(
            quote=self.get_object(), company=self.company, reason=data.validated_data["reason"]
        )
        return Response(self.get_serializer(self.get_object()).data)


class OneObjectSchema(TradePortalAutoSchema):
    """The `list` of ResultsViewSet answers one object of totals, not an array."""

    def _is_list_view(self, serializer=None) -> bool:
        return False

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code in ("400", "404"):  # a bad or unknown ?sector=
            responses.setdefault(code, self._get_response_for_code(ErrorSerializer, code))
            responses[code]["description"] = ERRORS[code]
        return responses


class ResultsViewSet(viewsets.GenericViewSet):
    """What firms reported about their introductions, in totals (never a firm's name)."""

    schema = OneObjectSchema()

    serializer_class = ResultsSerializer
    permission_classes = [permissions.AllowAny]
    pagination_class = None
    filter_backends: list = []
    queryset = IntroductionOutcome.objects.none()  # the schema's model; answers are totals only

    @extend_schema(
        parameters=[OpenApiParameter("sector", str, description="A sector's slug.")],
        responses=ResultsSerializer,
    )
    def list(self, request):
        slug = request.query_params.get("sector")
        if slug and "\x00" in slug:  # no slug has one (PostgreSQL refuses it in a query)
            raise Http404
        sector = get_object_or_404(Sector.objects.active(), slug=slug) if slug else None
        return Response(ResultsSerializer(outcomes.results(sector)).data)
