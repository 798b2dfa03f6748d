"""Domain errors: a stable machine code, a Chinese message for people, an HTTP status for the API."""

from __future__ import annotations


class DomainError(Exception):
    status = 400
    code = "error"

    def __init__(self, message: str, *, code: str | None = None, details: dict | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.details = details or {}

    def as_dict(self) -> dict:
        body: dict = {"code": self.code, "message": self.message}
        if self.details:
            body["details"] = self.details
        return body


class NotPermitted(DomainError):
    """The actor's role or unit may not take this action (403)."""

    status = 403
    code = "permission_denied"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class TransitionNotAllowed(DomainError):
    """The case's state does not allow this action (409)."""

    status = 409
    code = "case.transition_not_allowed"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class InvalidInput(DomainError):
    """The input is malformed or incomplete (422)."""

    status = 422
    code = "invalid_input"
