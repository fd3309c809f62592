from __future__ import annotations


class DomainError(Exception):
    """A rule of the portal refused an action. The message is written for the person who tried it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return str(self.message)


class InputRefused(DomainError):
    """A refusal of what was typed into a form: it belongs next to the form field `field` (None for
    the whole form) when the page shows the form again."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class Conflict(DomainError):
    """A refusal because the action contradicts what is recorded already (an id sent again with other
    details, a change to something that moved on): the API answers it with 409 `conflict`, not 400."""
