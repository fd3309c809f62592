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
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.employee_id})"

    @property
    def full_name(self) -> str:
        return self.user.get_full_name() or self.user.get_username()

    def clean(self) -> None:
        if leads_back_to(self, "manager"):
            raise ValidationError({"manager": _("A person cannot report to themselves, directly or through others.")})


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
