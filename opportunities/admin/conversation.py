"""After the match, for staff: abuse reports (the only place staff read a conversation, and only a
reported one), quotes, and the outcomes report with its CSV export."""

import csv

from django.contrib import admin
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import filesizeformat
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from opportunities.matching import conversations, introductions, outcomes
from opportunities.models import AbuseReport, IntroductionOutcome, Message, Quote


@admin.register(AbuseReport)
class AbuseReportAdmin(admin.ModelAdmin):
    list_display = ["__str__", "company", "short_reason", "status", "created_at"]
    list_filter = ["status"]
    readonly_fields = ["thread", "company", "user", "reason", "created_at", "conversation"]
    fields = [*readonly_fields, "status", "staff_note", "resolved_at"]
    actions = ["mark_resolved"]

    def has_add_permission(self, request) -> bool:
        return False  # reports come from the firms

    @admin.display(description=_("reason"))
    def short_reason(self, report: AbuseReport) -> str:
        return report.reason if len(report.reason) <= 80 else report.reason[:77] + "…"

    @admin.display(description=_("conversation"))
    def conversation(self, report: AbuseReport):
        messages = report.thread.messages.select_related("company")
        link = reverse("admin:opportunities_abusereport_attachment", args=[report.pk])
        rows = (
            (
                m.company.display_name,
                m.created_at.strftime("%Y-%m-%d %H:%M"),
                m.body,
                format_html(
                    ' <a href="{}?message={}">{} ({})</a>',
                    link,
                    m.pk,
                    m.attachment_name,
                    filesizeformat(m.attachment_size or 0),
                )
                if m.attachment
                else "",
            )
            for m in messages
        )
        return format_html_join(
            "",
            '<p><strong>{}</strong> · {}<br><span class="pre-line">{}</span>{}</p>',
            rows,
        )

    @admin.action(description=_("Mark as resolved"))
    def mark_resolved(self, request, queryset):
        queryset.update(status=AbuseReport.Status.RESOLVED, resolved_at=timezone.now())

    def get_urls(self):
        view = self.admin_site.admin_view(self.attachment_view)
        extra = [
            path(
                "<path:object_id>/attachment/",
                view,
                name="opportunities_abusereport_attachment",
            )
        ]
        return extra + super().get_urls()

    def attachment_view(self, request, object_id: str):
        """A PDF of a reported conversation (?message=id); staff only, like every admin page."""
        report = get_object_or_404(AbuseReport, pk=object_id)
        message_id = request.GET.get("message", "")
        if not message_id.isdigit():
            return redirect("admin:opportunities_abusereport_change", report.pk)
        message = get_object_or_404(
            Message.objects.filter(thread=report.thread).exclude(attachment=""), pk=message_id
        )
        return conversations.attachment_response(message)


@admin.register(Quote)
class QuoteAdmin(admin.ModelAdmin):
    list_display = ["request", "supplier", "unit_price", "currency", "incoterm", "status"]
    list_filter = ["status", "currency", "incoterm"]
    raw_id_fields = ["request", "supplier", "author", "interest"]


@admin.register(IntroductionOutcome)
class IntroductionOutcomeAdmin(admin.ModelAdmin):
    """The staff report of outcomes; "Export as CSV" downloads the selected rows, and
    export/ every row."""

    list_display = ["interest", "company", "after_days", "answer", "value_band", "answered_at"]
    list_filter = ["after_days", "answer", "value_band"]
    raw_id_fields = ["interest", "company", "product"]
    actions = ["export_csv"]

    @admin.action(description=_("Export as CSV"))
    def export_csv(self, request, queryset):
        return outcomes_csv(queryset)

    def get_urls(self):
        view = self.admin_site.admin_view(lambda request: outcomes_csv(outcomes.report_rows()))
        export = path("export/", view, name="opportunities_introductionoutcome_export")
        return [export, *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        extra = {"results": outcomes.results(), **(extra_context or {})}
        return super().changelist_view(request, extra_context=extra)


def outcomes_csv(rows) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="outcomes.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [
            "introduction",
            "company",
            "counterpart",
            "after_days",
            "answer",
            "value_band",
            "product",
            "asked_at",
            "answered_at",
        ]
    )
    for row in rows.select_related("interest__company", "interest__target_company", "company"):
        other = introductions.counterpart_of(row.interest, row.company)
        writer.writerow(
            [
                row.interest_id,
                row.company.display_name,
                other.display_name if other else "",
                row.after_days,
                row.answer,
                row.value_band,
                row.product_id or "",
                row.asked_at.isoformat(),
                row.answered_at.isoformat() if row.answered_at else "",
            ]
        )
    return response
