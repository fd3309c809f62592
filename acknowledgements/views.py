from __future__ import annotations

from functools import partial
from math import ceil
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from codes.diff import VersionDiff, diff_versions
from codes.models import CodeVersion
from codes.selectors import VersionText, language_name, source_text, version_text
from common import spreadsheets
from common.errors import Conflict, DomainError
from common.http import AuthenticatedHttpRequest
from common.pagination import paginate, query_without_page
from common.pdf import render_pdf
from common.permissions import permission_required
from common.replica import reads_from_replica
from common.views import attempt, attempt_for_result, safe_next
from people.selectors import department_subtree
from sso.services import reauthentication_forget, reauthentication_url

from . import charts, comprehension, exports, forms, selectors, services
from .access import (
    get_own_request_for_user,
    get_published_version_for_user,
    get_request_for_user,
    get_signature_for_user,
    require_campaign_runner,
    require_dashboard_access,
)
from .forms import AgreementForm, DashboardFilterForm, ExtendDeadlineForm, SignForm, WaiveForm, WaiverSelectionForm
from .models import AcknowledgementRequest, AcknowledgementRequestQuerySet, RequestStatus, Signature

# ---------------------------------------------------------------------------
# The person's own acknowledgements
# ---------------------------------------------------------------------------


@require_GET
def my_acknowledgements(request: AuthenticatedHttpRequest) -> HttpResponse:
    page = paginate(request, selectors.my_requests(request.user))
    return render(request, "acknowledgements/my_list.html", {"page": page})


# The reader's switch to the version's own text: ?text=source.
SOURCE_TEXT = "source"


def _read_and_sign_page(
    request: AuthenticatedHttpRequest,
    ack: AcknowledgementRequest,
    form: SignForm,
    *,
    wanted: str | None = None,
    status: int = 200,
) -> HttpResponse:
    """The reader and its signing form; the page a refused signature shows again, exactly, with its errors."""
    context = reader_context(ack, form, wanted=wanted, namespace="acknowledgements")
    # No password to enter: a "Confirm with <provider>" step comes before the signature.
    context["confirm_with"] = reauthentication_url(request.user) if "password" not in form.fields else None
    context["current_request"] = selectors.current_request_replacing(ack)
    return render(request, "acknowledgements/read_and_sign.html", context, status=status)


def reader_context(
    ack: AcknowledgementRequest, form: AgreementForm, *, wanted: str | None, namespace: str
) -> dict[str, Any]:
    """What the reader shows, in the portal and at a kiosk: the text is the version's published translation into
    the person's preferred language when it has one, else its own; `wanted` is the language they switched to
    instead. The form carries the language of the text shown, and the statement names it. The page posts its
    signature, its check and its reading reports to the views of the same names in `namespace`: the portal's
    ("acknowledgements") or the kiosk's ("kiosk")."""
    version = ack.version
    reading = selectors.reading_for(version, preferred=ack.person.preferred_language, wanted=wanted)
    text = reading.text
    previous = selectors.last_signed_version(ack.person, version.document_id, version.number)
    changes, changes_language = _changes_since(previous, text)
    return {
        "ack": ack,
        "version": version,
        "document": version.document,
        "reading": reading,
        "text": text,
        "sections": text.sections,
        "previous_signature": previous,
        "changes": changes,
        "changes_language": changes_language,
        "statement": services.attestation_statement(version, text.translation),
        "form": form,
        # How long the reader's script waits before its first report: the previous page's may have been just now.
        "reading_wait_ms": _reading_wait_ms(ack),
        # Read only for a version that asks for every section on screen before signing.
        "sections_not_displayed": (
            list(selectors.sections_not_displayed(ack)) if version.requires_every_section_displayed else []
        ),
        "check": comprehension.check_for(ack),
        "kiosk": namespace == "kiosk",
        "sign_url": reverse(f"{namespace}:sign", args=[ack.pk]),
        "check_url": reverse(f"{namespace}:answer_check", args=[ack.pk]),
        "reading_url": reverse(f"{namespace}:reading", args=[ack.pk]),
    }


def _reading_wait_ms(ack: AcknowledgementRequest) -> int:
    if ack.last_reading_at is None:
        return 0
    wait = ack.last_reading_at + services.READING_REPORT_INTERVAL - timezone.now()
    return max(0, ceil(wait.total_seconds() * 1000))


def _changes_since(previous: Signature | None, text: VersionText) -> tuple[VersionDiff | None, str]:
    """What changed since the person signed an earlier version of the document, and the language compared in:
    the language they read when the earlier version has a published text in it, else the two versions' own."""
    if previous is None:
        return None, text.language
    before, after = version_text(previous.version, text.language), text
    if before is None:
        before, after = source_text(previous.version), source_text(text.version)
    return diff_versions(list(before.sections), list(after.sections)), after.language


# Being asked is what lets a person sign: these views open only the signed-in person's own
# requests, whatever roles they hold, so no permission is checked here.
@require_GET
def read_and_sign(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The version to acknowledge, in the person's language when it is translated into it (?text=source for the
    version's own text), what changed since the person last signed, and the signing form."""
    ack = get_own_request_for_user(request.user, pk)
    if ack.status == RequestStatus.SIGNED:
        return redirect("acknowledgements:receipt", ack.signature.pk)
    if ack.status == RequestStatus.PENDING:
        services.request_mark_opened(ack_request=ack)
    wanted = ack.version.language if request.GET.get("text") == SOURCE_TEXT else None
    return _read_and_sign_page(request, ack, SignForm(request=request, user=request.user), wanted=wanted)


@require_POST
def sign(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    # The one reading of the request: someone else's is not found before the password is checked; signing reads
    # what may have changed since into it, under its lock, and a refused signature shows the page with it.
    ack = get_own_request_for_user(request.user, pk)
    form = SignForm(request.POST, request=request, user=request.user)
    if form.is_valid():
        try:
            signature = services.signature_create(
                ack_request=ack,
                actor=request.user,
                typed_name=form.cleaned_data["typed_name"],
                language=form.cleaned_data["language"] or None,
                ip_address=request.META.get("REMOTE_ADDR"),
                user_agent=request.headers.get("user-agent", ""),
                reauthentication=form.reauthentication,
            )
        except DomainError as error:
            if ack.status == RequestStatus.SIGNED:
                # A second tab or a double click: the first one signed; show its receipt.
                messages.info(request, _("You had already signed this version; here is your receipt."))
                return redirect("acknowledgements:receipt", ack.signature.pk)
            form.add_error("typed_name" if isinstance(error, services.NameMismatch) else None, error.message)
        else:
            reauthentication_forget(request=request)
            messages.success(request, _("Thank you. Your acknowledgement is recorded; this is your receipt."))
            return redirect("acknowledgements:receipt", signature.pk)
    # Shown again in the language they were reading (one the version has no text in shows the default).
    return _read_and_sign_page(request, ack, form, wanted=request.POST.get("language") or None, status=400)


@require_POST
def answer_check(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Record an attempt at the version's comprehension check and show its result above the questions."""
    ack = get_own_request_for_user(request.user, pk)
    check_answered(request, ack)
    return redirect(reverse("acknowledgements:read_and_sign", args=[ack.pk]) + "#check")


def check_answered(request: HttpRequest, ack: AcknowledgementRequest) -> None:
    """Record the person's attempt at the check posted for their request, and say how it went (here and at a
    kiosk, where the person answers on the supervisor's device)."""
    questions = comprehension.questions_of(ack.version)
    try:
        attempt = comprehension.attempt_record(
            ack_request=ack, actor=ack.person.user, chosen=comprehension.chosen_from(request.POST, questions)
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        if attempt.passed:
            messages.success(request, _("You passed the check with %(score)s%%.") % {"score": attempt.score})
        else:
            messages.warning(
                request,
                _("You scored %(score)s%%: re-read the sections named below and try again.") % {"score": attempt.score},
            )


@require_POST
def reading(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A report of the reader's script (static/js/reading-evidence.js) on the person's own request: 204 when
    recorded, 400 for a malformed report, 409 once the request is signed or closed (nothing is recorded),
    429 with Retry-After when it comes too soon after the previous one."""
    return reading_reported(request, get_own_request_for_user(request.user, pk))


def reading_reported(request: HttpRequest, ack: AcknowledgementRequest) -> HttpResponse:
    """Record a report of the reader's script on `ack` (here and at a kiosk), answering as `reading` says."""
    form = forms.ReadingReportForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("This reading report is malformed."))
    try:
        services.reading_record(
            ack_request=ack, seconds_by_position=form.cleaned_data["seconds"], reached_end=form.cleaned_data["end"]
        )
    except services.ReadingTooSoon as refusal:
        # Retry-After takes whole seconds; rounding down would be refused again.
        return HttpResponse(
            refusal.message, status=429, headers={"Retry-After": str(ceil(refusal.wait.total_seconds()))}
        )
    except Conflict as refusal:
        return HttpResponse(refusal.message, status=409)
    except DomainError as refusal:
        return HttpResponseBadRequest(refusal.message)
    return HttpResponse(status=204)


# ---------------------------------------------------------------------------
# Receipts
# ---------------------------------------------------------------------------


def receipt_context(signature: Signature) -> dict[str, object]:
    """A receipt names the text signed: its title and language, beside the hash the record carries; and the
    evidence of the reading that came before the signature, which the person sees as their overseers do."""
    return {
        "signature": signature,
        "reading": selectors.reading_evidence(request_pk=signature.request_id),
        "text": selectors.text_signed(signature),
        "language_name": language_name(signature.language),
    }


@require_GET
def receipt(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    signature = get_signature_for_user(request.user, pk)
    return render(request, "acknowledgements/receipt.html", receipt_context(signature))


@require_GET
def receipt_pdf(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    signature = get_signature_for_user(request.user, pk)
    response = HttpResponse(
        render_pdf("acknowledgements/receipt_pdf.html", receipt_context(signature)), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="receipt-{signature.sequence}.pdf"'
    return response


@require_GET
def receipt_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    signatures = selectors.signatures_visible_to(request.user).order_by("-sequence")
    query = request.GET.get("q", "").strip()
    if query and selectors.sees_all_acknowledgements(request.user):
        signatures = signatures.filter(person__employee_id__iexact=query) | signatures.filter(
            person__user__last_name__icontains=query
        )
    context = {"page": paginate(request, signatures), "query": query_without_page(request), "q": query}
    return render(request, "acknowledgements/receipt_list.html", context)


# ---------------------------------------------------------------------------
# The dashboard, for compliance (everyone) and managers (their team)
# ---------------------------------------------------------------------------


def _dashboard_scope(
    request: AuthenticatedHttpRequest,
) -> tuple[DashboardFilterForm, AcknowledgementRequestQuerySet | None]:
    """The filter form and the requests it selects among those the viewer may see (None when invalid)."""
    require_dashboard_access(request.user)
    form = DashboardFilterForm(request.GET or None)
    if request.GET and not form.is_valid():
        return form, None
    filters = form.filters() if request.GET else selectors.Filters()
    return form, selectors.requests_matching(selectors.requests_visible_to(request.user), filters)


def version_progress_panel(*, version: CodeVersion, viewer: selectors.Viewer) -> str:
    """The version page's figures of who was asked and who signed, for those who see the dashboard.

    Compliance sees everyone asked; a manager their own team; anyone else, and a version
    never published, no panel at all.
    """
    if version.published_at is None or not selectors.can_see_dashboard(viewer):
        return ""
    everyone = selectors.sees_all_acknowledgements(viewer)
    row = selectors.totals(selectors.requests_visible_to(viewer).filter(version=version))
    context = {"row": row, "everyone": everyone, "version": version, "percent_rule": selectors.PERCENT_RULE}
    return render_to_string("acknowledgements/_version_progress.html", context)


@require_GET
@reads_from_replica
def version_progress(request: AuthenticatedHttpRequest, version_id: int) -> HttpResponse:
    """The version page's figures alone: the page fetches them again every minute while it is open."""
    version = get_published_version_for_user(request.user, version_id)
    return HttpResponse(version_progress_panel(version=version, viewer=request.user))


@require_GET
@reads_from_replica
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    form, requests = _dashboard_scope(request)
    context: dict[str, object] = {
        "form": form,
        "query": query_without_page(request),
        "everyone": selectors.sees_all_acknowledgements(request.user),
        "percent_rule": selectors.PERCENT_RULE,
    }
    if requests is not None:
        versions = selectors.by_version(requests)
        context.update(
            totals=selectors.totals_from_rows(versions),
            versions=versions,
            departments=selectors.by_department(requests),
        )
    return render(request, "acknowledgements/dashboard.html", context)


@require_GET
@reads_from_replica
def dashboard_people(request: AuthenticatedHttpRequest) -> HttpResponse:
    form, requests = _dashboard_scope(request)
    context: dict[str, object] = {
        "form": form,
        "query": query_without_page(request),
        "waive_form": WaiveForm(),
        "percent_rule": selectors.PERCENT_RULE,
        "page": None,
    }
    if requests is not None:
        context.update(page=paginate(request, selectors.request_list(requests)), totals=selectors.totals(requests))
    return render(request, "acknowledgements/dashboard_people.html", context)


@require_GET
@permission_required("acknowledgements.export_acknowledgements")
@reads_from_replica
def export(request: AuthenticatedHttpRequest, kind: str, file_format: str) -> HttpResponseBase:
    """The figures, or the requests (all, signed or outstanding), as CSV or XLSX, with the dashboard's filters."""
    if kind not in selectors.EXPORT_KINDS or file_format not in ("csv", "xlsx"):
        raise Http404(_("There is no such export."))
    form, requests = _dashboard_scope(request)
    if requests is None:
        return HttpResponseBadRequest(_("The filters are not valid: %(errors)s") % {"errors": form.errors.as_text()})
    listed = selectors.for_export(requests, kind)
    rows = listed.count()
    try:
        services.export_record(
            actor=request.user, kind=kind, file_format=file_format, rows=rows, filters=form.filters().as_details()
        )
    except services.ChainCut as error:
        messages.error(request, error.message)
        return redirect("acknowledgements:verify")
    filename = f"{kind}-{timezone.localdate().isoformat()}.{file_format}"
    if kind == "figures":
        write = exports.figures_csv if file_format == "csv" else exports.figures_xlsx
        return write(listed, filename=filename)
    if file_format == "csv":
        return exports.EXPORT.csv_response(listed, filename=filename)
    return exports.EXPORT.xlsx_response(listed, filename=filename)


@require_http_methods(["GET", "POST"])
@permission_required("acknowledgements.waive_acknowledgementrequest")
def waive(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """GET asks to confirm, naming the person and the version, with the reason to give; POST waives."""
    ack = get_request_for_user(request.user, pk)
    back = safe_next(request, reverse("acknowledgements:dashboard_people"))
    if request.method == "GET":
        return render(request, "acknowledgements/waive.html", {"ack": ack, "form": WaiveForm(), "next": back})
    form = WaiveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for the waiver; it is kept in the record."))
    else:
        waive = partial(services.request_waive, ack_request=ack, actor=request.user, reason=form.cleaned_data["reason"])
        attempt(request, waive, _("Waived for %(name)s.") % {"name": ack.person.full_name})
    return redirect(back)


# ---------------------------------------------------------------------------
# A campaign: one publication followed from start to finish
# ---------------------------------------------------------------------------


def _campaign_page(
    request: AuthenticatedHttpRequest,
    version: CodeVersion,
    *,
    extend_form: ExtendDeadlineForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The campaign of a published version: its audience and deadline, its figures (overall, over time, by
    department, and the signatures by the language read), the people still pending, and the actions the
    viewer's roles allow. The figures are the dashboard's (one selector), over the requests the viewer
    oversees."""
    requests = selectors.campaign_requests(request.user, version)
    by_department = selectors.by_department(requests)
    # Each request is one person's, in one department: the departments' rows add up to the totals, and
    # counting them apart would read the version's requests once more (tens of ms at 100,000 people).
    totals = selectors.totals_from_rows(by_department)
    # The line over time and the table by language: one reading of the signed requests for both.
    signed = selectors.signed_by_day_and_language(requests)
    published_on = timezone.localdate(version.published_at)
    departments = forms.department_choices()
    context = {
        "version": version,
        "everyone": selectors.sees_all_acknowledgements(request.user),
        "runs_campaigns": selectors.may_run_campaigns(request.user),
        "audience": None if version.applies_to_all_staff else list(version.audience_departments.order_by("name")),
        "published_on": published_on,
        "due": selectors.pending_due_dates(requests),
        "totals": totals,
        "percent_rule": selectors.PERCENT_RULE,
        "chart": charts.line_chart(
            selectors.signed_over_time(signed, since=published_on),
            maximum=totals["asked"],
            deadline=version.acknowledge_by,
        ),
        "departments": by_department,
        "by_language": selectors.signed_by_language(signed),
        # The pending figure is the list's length: counting it again would read the version's requests anew.
        "page": paginate(
            request,
            selectors.request_list(requests.filter(status=RequestStatus.PENDING)),
            count=totals["pending"],
        ),
        "extend_form": extend_form or ExtendDeadlineForm(departments=departments),
        "waive_department_form": WaiverSelectionForm(departments=departments),
    }
    return render(request, "acknowledgements/campaign.html", context, status=status)


@require_GET
@reads_from_replica
def campaign(request: AuthenticatedHttpRequest, version_id: int) -> HttpResponse:
    return _campaign_page(request, get_published_version_for_user(request.user, version_id))


def _wrong_answers(request: AuthenticatedHttpRequest, version_id: int) -> tuple[CodeVersion, list[dict]]:
    """The version's wrong answers per section (with their questions), over the requests the viewer oversees."""
    version = get_published_version_for_user(request.user, version_id)
    requests = selectors.campaign_requests(request.user, version)
    return version, comprehension.wrong_answers_by_section(comprehension.wrong_answers_by_question(version, requests))


@require_GET
@reads_from_replica
def comprehension_figures(request: AuthenticatedHttpRequest, version_id: int) -> HttpResponse:
    """The share of wrong answers to the version's comprehension check, per section and per question."""
    version, sections = _wrong_answers(request, version_id)
    context = {
        "version": version,
        "sections": sections,
        "most_misunderstood": comprehension.most_misunderstood(sections),
        "answered": sum(section["answered"] for section in sections),
        "wrong": sum(section["wrong"] for section in sections),
    }
    return render(request, "acknowledgements/comprehension_figures.html", context)


@require_GET
@reads_from_replica
def comprehension_figures_csv(request: AuthenticatedHttpRequest, version_id: int) -> StreamingHttpResponse:
    version, sections = _wrong_answers(request, version_id)
    header = [_("Section"), _("Section title"), _("Question"), _("Answers"), _("Wrong answers")]
    return spreadsheets.csv_response(
        [str(column) for column in header],
        comprehension.wrong_answers_csv_rows(sections),
        filename=f"comprehension-{version.document.slug}-v{version.number}.csv",
    )


@require_POST
def campaign_extend(request: AuthenticatedHttpRequest, version_id: int) -> HttpResponse:
    """Extend the deadline of everyone pending, or of one department's; a refused date shows the page again
    with the error next to the field."""
    require_campaign_runner(request.user)
    version = get_published_version_for_user(request.user, version_id)
    form = ExtendDeadlineForm(request.POST, departments=forms.department_choices())
    if form.is_valid():
        new_date = form.cleaned_data["due_date"]
        extend = partial(
            services.requests_extend,
            version=version,
            due_date=new_date,
            department_id=form.cleaned_data["department"],
            actor=request.user,
        )
        count = attempt_for_result(request, extend, form=form)
        if count is not None:
            messages.success(
                request,
                ngettext(
                    "%(count)d pending request is now due on %(date)s.",
                    "%(count)d pending requests are now due on %(date)s.",
                    count,
                )
                % {"count": count, "date": date_format(new_date)},
            )
            return redirect("acknowledgements:campaign", version.pk)
    return _campaign_page(request, version, extend_form=form, status=400)


@require_http_methods(["GET", "POST"])
@permission_required("acknowledgements.waive_acknowledgementrequest")
def campaign_waive(request: AuthenticatedHttpRequest, version_id: int) -> HttpResponse:
    """Waive many requests with one reason: GET asks to confirm, naming how many (or saying they are more
    than one waiver in bulk may cover); POST waives them."""
    version = get_published_version_for_user(request.user, version_id)
    data = request.POST if request.method == "POST" else request.GET
    selection = WaiverSelectionForm(data, departments=forms.department_choices())
    if not selection.is_valid():
        messages.error(request, _selection_refused(selection))
        return redirect("acknowledgements:campaign", version.pk)
    chosen = _waiver_selection(request.user, version, selection)
    reason_form = WaiveForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and reason_form.is_valid():
        waive = partial(
            services.requests_waive, requests=chosen, actor=request.user, reason=reason_form.cleaned_data["reason"]
        )
        result = attempt_for_result(request, waive, form=reason_form)
        if result is not None:
            messages.success(request, _bulk_waiver_said(result))
            return redirect("acknowledgements:campaign", version.pk)
    pending = chosen.filter(status=RequestStatus.PENDING).count()
    chosen_count = chosen.count()
    context = {
        "version": version,
        "selection": selection,
        "form": reason_form,
        "pending": pending,
        "not_pending": chosen_count - pending,
        # Said before a reason is typed, with no button to press: the service would refuse it anyway.
        "too_many": services.bulk_waiver_refusal(chosen=chosen_count),
    }
    return render(request, "acknowledgements/campaign_waive.html", context, status=400 if reason_form.errors else 200)


def _selection_refused(selection: WaiverSelectionForm) -> str:
    """Why a waiver's selection was refused, in a sentence for the person. A choice the form does not know
    comes from a list that changed since the page was shown (or from an address typed by hand): say so,
    rather than that nothing was chosen."""
    if any(field in selection.errors for field in selection.fields):
        return _("The people or the department you chose are no longer on the list: choose again.")
    return " ".join(str(error) for error in selection.non_field_errors())


def _waiver_selection(
    user: selectors.Viewer, version: CodeVersion, selection: WaiverSelectionForm
) -> AcknowledgementRequestQuerySet:
    """The requests a waiver in bulk is for, among the campaign's that the user oversees: those ticked
    (whatever their state: the service leaves those no longer pending), or the pending ones of a department
    and its sub-departments."""
    requests = selectors.campaign_requests(user, version)
    if selection.cleaned_data["request"]:
        return requests.filter(pk__in=selection.cleaned_data["request"])
    return requests.pending().filter(
        person__department_id__in=department_subtree([selection.cleaned_data["department"]])
    )


def _bulk_waiver_said(result: services.BulkWaiver) -> str:
    said = ngettext("Waived %(count)d request.", "Waived %(count)d requests.", result.waived) % {"count": result.waived}
    if result.not_pending:
        said += " " + ngettext(
            "%(count)d was no longer pending and was left as it was.",
            "%(count)d were no longer pending and were left as they were.",
            result.not_pending,
        ) % {"count": result.not_pending}
    return said


@require_GET
@reads_from_replica
def version_summary_pdf(request: AuthenticatedHttpRequest, version_id: int) -> HttpResponse:
    """A one-page PDF of a version's figures, overall and by department, for the auditor's file."""
    version = get_published_version_for_user(request.user, version_id)
    requests = selectors.requests_visible_to(request.user).filter(version=version)
    context = {
        "version": version,
        "totals": selectors.totals(requests),
        "departments": selectors.by_department(requests),
        "percent_rule": selectors.PERCENT_RULE,
        "generated_at": timezone.now(),
        "generated_by": request.user,
    }
    response = HttpResponse(render_pdf("acknowledgements/summary_pdf.html", context), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="summary-{version.document.slug}-v{version.number}.pdf"'
    return response


@require_http_methods(["GET", "POST"])
@permission_required("acknowledgements.verify_signatures")
def verify(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Run the same check as `manage.py verify_signatures`, on demand."""
    report = services.signatures_verify(actor=request.user) if request.method == "POST" else None
    return render(request, "acknowledgements/verify.html", {"report": report})
