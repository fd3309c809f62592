from __future__ import annotations


class DomainError(Exception):
    """A rule of the portal refused an action. The message is written for the person who tried it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return str(self.message)
