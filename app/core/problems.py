"""Errors: RFC 9457 problem+json for the API, pages in the service's look for people.

Never a stack trace: unexpected errors are logged with the request id and answered with a
plain 500.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any
from urllib.parse import urlencode

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse, RedirectResponse, Response

from app.core import patterns
from app.core.templating import render
from app.core.throttle import Throttled

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"


class SignInRequired(Exception):
    """The caller must sign in: answered with 401 (API) or a redirect to the sign-in page."""


class BodyTooLarge(HTTPException):
    """The body grew past the limit while being read (an HTTPException, so that FastAPI's body
    parsing lets it through rather than turning it into a 400)."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"The request body is larger than {limit} bytes.")
        self.limit = limit


API_PREFIX = "/api/"

ERROR_PAGES = {
    403: "errors/403.html",
    404: "errors/404.html",
    413: "errors/413.html",
    429: "errors/429.html",
    500: "errors/500.html",
}


class ProblemDocument(BaseModel):
    """RFC 9457 problem details, as every API error is answered."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    errors: list[dict[str, str]] | None = None


def _described(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "model": ProblemDocument,
        "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/ProblemDocument"}}},
    }


# Documented on every API router, so the OpenAPI document says how each route can fail.
API_ERRORS: dict[int | str, dict[str, Any]] = {
    400: _described("The body is not well-formed JSON"),
    401: _described("Not signed in: send a valid bearer token"),
    403: _described("Signed in, but your role does not allow this"),
    404: _described("Not found, or a partnership you are not part of"),
    409: _described("Conflict: a stale version, or a duplicate"),
    413: _described("The request body is larger than the service accepts (MAX_BODY_BYTES)"),
    422: _described("The request is not valid; `errors` names each field"),
    429: _described("Too many attempts; see Retry-After"),
}


class Problem(Exception):
    """Raise in an API route to answer with problem+json (validation `errors` optional)."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        errors: list[dict[str, str]] | None = None,
        headers: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status, self.detail, self.errors, self.headers = status, detail, errors, headers
        self.extra = extra or {}


def wants_problem_json(request: Request) -> bool:
    """API paths (and /healthz, read by machines) and callers that ask for JSON get
    problem+json; people get a page."""
    if request.url.path.startswith(API_PREFIX) or request.url.path == "/healthz":
        return True
    accept = request.headers.get("accept", "")
    return "json" in accept and "html" not in accept


def problem(
    status: int,
    detail: str | None = None,
    *,
    title: str | None = None,
    headers: dict[str, str] | None = None,
    errors: list[dict[str, str]] | None = None,
    extra: dict[str, Any] | None = None,
) -> JSONResponse:
    """An RFC 9457 problem response."""
    phrase = HTTPStatus(status).phrase
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": title or phrase,
        "status": status,
        "detail": detail or phrase,
    }
    if errors is not None:
        body["errors"] = errors
    body.update(extra or {})
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def error_page(request: Request, status: int, headers: dict[str, str] | None = None) -> Response:
    """The error page for `status` (the 404 page for codes without their own)."""
    template = ERROR_PAGES.get(status, ERROR_PAGES[404] if status < 500 else ERROR_PAGES[500])
    response = render(request, template, {"status": status}, status_code=status)
    if headers:
        response.headers.update(headers)
    return response


def too_large(request: Request, limit: int) -> Response:
    """413: the body is over the limit (problem+json for the API, a page for people)."""
    detail = f"The request body is larger than {limit} bytes."
    if wants_problem_json(request):
        return problem(413, detail, extra={"max_bytes": limit})
    return error_page(request, 413)


def too_many(request: Request, retry_after: int, detail: str) -> Response:
    """429 with Retry-After (problem+json for the API, a page for people)."""
    wait = max(retry_after, 1)
    headers = {"Retry-After": str(wait)}
    if wants_problem_json(request):
        return problem(429, detail, headers=headers)
    response = render(
        request, ERROR_PAGES[429], {"status": 429, "retry_after": wait}, status_code=429
    )
    response.headers.update(headers)
    return response


def _field_of(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header", "cookie")]
    return ".".join(parts) or "body"


def allowed_methods(request: Request) -> str | None:
    """Every method any route serves at this path (Starlette names only the first route's)."""
    path = request.url.path
    methods = {
        m
        for regex, route_methods in request.app.state.route_methods
        if regex.match(path)
        for m in route_methods
    }
    return ", ".join(sorted(methods)) if methods else None


def page_above(request: Request) -> str:
    """The nearest address above this one that a page is served at ("/" at worst).

    A form that is refused re-shows its page at the form's own address (post/redirect/get does
    not apply to a page that must keep what was typed). Reloading or bookmarking that address
    then asks for GET where only POST is served: the person is sent to the page the form lives
    on (`/partnerships/1/funding/proposal` -> `/partnerships/1/funding`) instead of an error.
    """
    parts = request.url.path.rstrip("/").split("/")
    while len(parts) > 1:
        parts.pop()
        above = "/".join(parts) or "/"
        if any(
            regex.match(above) and "GET" in methods
            for regex, methods in request.app.state.route_methods
        ):
            return above
    return "/"


async def _http_error(request: Request, exc: Exception) -> Response:
    if not isinstance(exc, StarletteHTTPException):  # registered for this type only
        raise exc
    headers = dict(exc.headers) if exc.headers else None
    browser_get = request.method in ("GET", "HEAD") and not wants_problem_json(request)
    if exc.status_code == 405 and browser_get:
        return RedirectResponse(page_above(request), status_code=303)
    if exc.status_code == 405:
        allow = allowed_methods(request)
        headers = {**(headers or {}), **({"Allow": allow} if allow else {})}
    if wants_problem_json(request):
        detail = exc.detail if isinstance(exc.detail, str) else None
        return problem(exc.status_code, detail, headers=headers)
    return error_page(request, exc.status_code, headers)


async def _validation_error(request: Request, exc: Exception) -> Response:
    if not isinstance(exc, RequestValidationError):  # registered for this type only
        raise exc
    errors = [
        {"field": _field_of(tuple(e.get("loc", ()))), "message": _message_of(e)}
        for e in exc.errors()
    ]
    if wants_problem_json(request):
        return problem(422, "The request is not valid; see errors.", errors=errors)
    return error_page(request, 404)


def _message_of(error: dict[str, Any]) -> str:
    if error.get("type") == "string_pattern_mismatch":
        meaning = patterns.MEANINGS.get(str(error.get("ctx", {}).get("pattern")))
        if meaning is not None:
            return meaning
    return str(error.get("msg", "invalid"))


async def _unexpected_error(request: Request, exc: Exception) -> Response:
    log.exception(
        "unhandled error on %s %s (request %s)",
        request.method,
        request.url.path,
        request.headers.get("x-request-id", "-"),
    )
    if wants_problem_json(request):
        return problem(500, "Something went wrong on our side. It has been logged.")
    return error_page(request, 500)


async def _body_too_large(request: Request, exc: Exception) -> Response:
    if not isinstance(exc, BodyTooLarge):  # registered for this type only
        raise exc
    return too_large(request, exc.limit)


async def _throttled(request: Request, exc: Exception) -> Response:
    if not isinstance(exc, Throttled):  # registered for this type only
        raise exc
    return too_many(
        request,
        exc.retry_after,
        "Too many exports or history pages this minute; try again after Retry-After seconds.",
    )


async def _problem(request: Request, exc: Exception) -> Response:
    if not isinstance(exc, Problem):  # registered for this type only
        raise exc
    return problem(exc.status, exc.detail, headers=exc.headers, errors=exc.errors, extra=exc.extra)


async def _sign_in_required(request: Request, exc: Exception) -> Response:
    if wants_problem_json(request):
        return problem(
            401, "Sign in, or send a valid bearer token.", headers={"WWW-Authenticate": "Bearer"}
        )
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/sign-in?{urlencode({'next': target})}", status_code=303)


def install(app: FastAPI) -> None:
    """Register the handlers on `app`."""
    app.add_exception_handler(SignInRequired, _sign_in_required)
    app.add_exception_handler(Problem, _problem)
    app.add_exception_handler(BodyTooLarge, _body_too_large)
    app.add_exception_handler(Throttled, _throttled)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(Exception, _unexpected_error)
