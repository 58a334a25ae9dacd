"""API of what follows a match: interests sent and received (with what they are about), answering
them, the contact card of an accepted counterpart, withdrawing. The same services as the site."""

from django.utils import translation
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from companies.api.permissions import CompanyScopedMixin
from opportunities.matching import interests, introductions, summaries
from opportunities.models import Interest


def register(router) -> None:
    router.register(
        r"my/companies/(?P<company_pk>[0-9]+)/interests", InterestViewSet, basename="my-interest"
    )


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


class AnswerSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True)


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
