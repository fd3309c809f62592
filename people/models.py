from __future__ import annotations

from django.conf import settings
from django.contrib.sessions.base_session import AbstractBaseSession
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


def leads_back_to(instance: models.Model, link: str) -> bool:
    """Whether following `link` (a parent, a manager) upwards from `instance` comes back to it.

    A loop already in the data that does not pass through `instance` ends the walk too.
    """
    seen: set[object] = set()
    node = getattr(instance, link)
    while node is not None and node.pk not in seen:
        if node.pk == instance.pk:
            return True
        seen.add(node.pk)
        node = getattr(node, link)
    return False


class Department(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    code = models.CharField(
        _("short code"),
        max_length=16,
        unique=True,
        validators=[RegexValidator(r"^[A-Z0-9-]+$", _("Use capital letters, digits and hyphens only, e.g. SUP."))],
        help_text=_("A short unique code, e.g. SUP for Support."),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(parent=models.F("pk")),
                name="people_department_not_own_parent",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if leads_back_to(self, "parent"):
            raise ValidationError(
                {"parent": _("A department cannot sit under itself or one of its own sub-departments.")}
            )


class StaffProfile(models.Model):
    """A person on the staff: the portal's view of a user account.

    Whether the person is active (may sign in) is the account's own
    `is_active` flag, so there is one switch, not two to keep in step.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("account"), on_delete=models.CASCADE, related_name="profile"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="staff"
    )
    manager = models.ForeignKey(
        "self",
        verbose_name=_("manager"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="direct_reports",
    )
    # As long as identity providers carry it (a free string in the SCIM enterprise extension).
    employee_id = models.CharField(_("employee id"), max_length=64, unique=True)
    job_title = models.CharField(_("job title"), max_length=120, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    # False for staff without a sign-in (no password, no identity provider): they identify at a kiosk with
    # their employee id and a PIN or one-time code (`KioskCredential`), and sign there before a witness.
    # Their account exists all the same, so that every request, figure and reminder counts them.
    signs_in = models.BooleanField(
        _("signs in to the portal"),
        default=True,
        db_default=True,
        help_text=_("Untick for staff who sign only at a kiosk, witnessed by their supervisor."),
    )

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")
        ordering = ["user__last_name", "user__first_name", "employee_id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(manager=models.F("pk")),
                name="people_staffprofile_not_own_manager",
            ),
        ]
        permissions = [
            ("view_team", _("Can see their own team")),
            ("view_organisation", _("Can see every department and person")),
            ("import_staff", _("Can import staff from an HR file")),
            ("manage_kiosk_people", _("Can add staff without a sign-in and issue their kiosk PINs and codes")),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.employee_id})"

    @property
    def full_name(self) -> str:
        return self.user.get_full_name() or self.user.get_username()

    def clean(self) -> None:
        if leads_back_to(self, "manager"):
            raise ValidationError({"manager": _("A person cannot report to themselves, directly or through others.")})


class KioskCredential(models.Model):
    """How a person without a sign-in proves who they are at a kiosk: a PIN, a one-time code, or both, each
    stored only as a hash (Django's password hashers); and the wrong tries counted against them.

    A PIN lasts until another is issued; a code expires and serves once. After `KIOSK_MAX_TRIES` wrong tries
    in a row the person is locked out for `KIOSK_LOCKOUT_MINUTES`, even with the right PIN."""

    person = models.OneToOneField(
        StaffProfile, verbose_name=_("person"), on_delete=models.CASCADE, related_name="kiosk_credential"
    )
    pin_hash = models.CharField(_("PIN (hashed)"), max_length=128, blank=True)
    code_hash = models.CharField(_("one-time code (hashed)"), max_length=128, blank=True)
    code_expires_at = models.DateTimeField(_("code expires"), null=True, blank=True)
    failures = models.PositiveSmallIntegerField(_("wrong tries in a row"), default=0)
    locked_until = models.DateTimeField(_("locked until"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last issued by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("last issued"), null=True, blank=True)

    class Meta:
        verbose_name = _("kiosk credential")
        verbose_name_plural = _("kiosk credentials")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code_hash="", code_expires_at__isnull=True)
                | (~models.Q(code_hash="") & models.Q(code_expires_at__isnull=False)),
                name="people_kioskcredential_code_expires",
            ),
        ]

    def __str__(self) -> str:
        return str(self.person_id)


class NotificationKind(models.TextChoices):
    """The kinds of workflow notification a person may choose to receive by email or in the portal only."""

    REVIEW_REQUESTED = "review-requested", _("A version is sent to me for review, or taken back from review")
    REVIEW_OUTCOME = "review-outcome", _("A version I wrote is approved, or sent back with changes to make")
    REQUEST_TO_SIGN = "request-to-sign", _("A new version asks for my acknowledgement")
    REQUEST_WITHDRAWN = "request-withdrawn", _("A code I was asked to acknowledge is retired")


# The legal minimum: a request to sign always goes by email, whatever the person chose.
ALWAYS_EMAILED = frozenset({NotificationKind.REQUEST_TO_SIGN})


class NotificationPreference(models.Model):
    """How a person wants one kind of workflow notification: by email and in the portal, or in the portal
    only. No row means by email, the default."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    kind = models.CharField(_("notification"), max_length=24, choices=NotificationKind.choices)
    by_email = models.BooleanField(_("by email"), default=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="people_notificationpreference_once"),
            models.CheckConstraint(
                condition=~models.Q(kind__in=sorted(ALWAYS_EMAILED), by_email=False),
                name="people_notificationpreference_legal_minimum_emailed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}: {'email' if self.by_email else 'portal'}"


class UserSession(AbstractBaseSession):
    """A session row that knows whose it is, so a leaver's sessions can all be ended at once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")

    @classmethod
    def get_session_store_class(cls) -> type:
        from .sessions import SessionStore

        return SessionStore
