from __future__ import annotations

from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from common.http import AuthenticatedHttpRequest
from common.pagination import paginate
from common.permissions import permission_required

from . import selectors, services
from .forms import EvidencePackForm
from .models import PackStatus

PERMISSION = "evidence.build_evidence_pack"


@require_http_methods(["GET", "POST"])
@permission_required(PERMISSION)
def pack_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The packs built so far, and the form that asks for a new one (built by a worker: its page shows how far)."""
    form = EvidencePackForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        pack = services.pack_request(
            actor=request.user,
            period_start=data["period_start"],
            period_end=data["period_end"],
            documents=data["documents"],
            departments=data["departments"],
        )
        return redirect("evidence:pack_detail", pk=pack.pk)
    context = {"form": form, "page": paginate(request, selectors.pack_list())}
    return render(request, "evidence/pack_list.html", context, status=400 if form.errors else 200)


@require_GET
@permission_required(PERMISSION)
def pack_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A pack: its scope, its progress while it is built (htmx asks for the progress again every two seconds;
    without JavaScript, reloading the page does), then its file's SHA-256 and the download."""
    pack = selectors.pack_detail(pk)
    template = "evidence/_progress.html" if request.htmx else "evidence/pack_detail.html"
    return render(request, template, {"pack": pack})


@require_GET
@permission_required(PERMISSION)
def pack_download(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    """The pack's ZIP file, streamed from disk; each download is audited."""
    pack = selectors.pack_detail(pk)
    if pack.status != PackStatus.READY:
        raise Http404(_("This pack is not ready to download."))
    path = services.pack_path(pack)
    if not path.is_file():
        raise Http404(_("The file of this pack is missing from the server: ask an administrator to restore it."))
    services.pack_download_record(actor=request.user, pack=pack)
    return FileResponse(path.open("rb"), as_attachment=True, filename=pack.file_name, content_type="application/zip")
