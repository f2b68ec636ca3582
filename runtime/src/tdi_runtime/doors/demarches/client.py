"""The DS GraphQL client: `gql` over httpx, a bearer token, a request budget per minute, 429 Retry-After honoured.

Nothing here keeps a dossier: it reads pages and hands them over as `model.Dossier` values.
"""

from __future__ import annotations

import asyncio
import email.utils
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from types import TracebackType
from typing import Any

import httpx
from aiolimiter import AsyncLimiter
from gql import Client, GraphQLRequest
from gql.client import AsyncClientSession
from gql.transport.exceptions import TransportQueryError, TransportServerError
from gql.transport.httpx import HTTPXAsyncTransport

from tdi_runtime.doors.demarches import queries
from tdi_runtime.doors.demarches.metrics import DemarchesMetrics
from tdi_runtime.doors.demarches.model import Dossier, DossierPage
from tdi_runtime.doors.demarches.settings import DemarchesSettings

Sleep = Callable[[float], Awaitable[None]]


class DemarchesUnavailableError(Exception):
    """DS did not answer usefully (down, too slow, rate-limited beyond the setting): the round stops, retried."""


class DemarchesAccessRefusedError(Exception):
    """DS refused the token (401 expired or revoked, 403 a network outside the token's allow-list)."""

    def __init__(self, status: int) -> None:
        super().__init__(f"DS answered {status}")
        self.status = status


_MAX_ATTEMPTS = 4


def retry_after_s(headers: httpx.Headers | None, now: datetime | None = None) -> float | None:
    """A `Retry-After` header in seconds (delta-seconds or an HTTP date), None when absent or unreadable."""
    value = (headers or httpx.Headers()).get("retry-after")
    if value is None:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class DemarchesClient:
    """`async with DemarchesClient(settings, metrics) as ds: page = await ds.changed_dossiers(...)`.

    `httpx_options` go to httpx (tests give `transport=httpx.ASGITransport(app=fake)`); `sleep` is how a
    Retry-After is waited for (tests record it instead of waiting).
    """

    def __init__(
        self,
        settings: DemarchesSettings,
        metrics: DemarchesMetrics | None = None,
        *,
        sleep: Sleep = asyncio.sleep,
        limiter: AsyncLimiter | None = None,
        **httpx_options: Any,
    ) -> None:
        self.settings = settings
        self.metrics = metrics
        self.sleep = sleep
        self.limiter = limiter or AsyncLimiter(settings.max_requests_per_minute, 60)
        self._headers: httpx.Headers | None = None
        headers = {"Authorization": f"Bearer {settings.token.get_secret_value()}"} if settings.token else {}
        transport = HTTPXAsyncTransport(
            url=settings.endpoint,
            headers=headers,
            timeout=settings.request_timeout_s,
            event_hooks={"response": [self._answered]},
            **httpx_options,
        )
        self._client = Client(transport=transport, fetch_schema_from_transport=False)
        self._session: AsyncClientSession | None = None

    async def __aenter__(self) -> DemarchesClient:
        self._session = await self._client.connect_async()  # type: ignore[no-untyped-call]
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._session = None
        await self._client.close_async()  # type: ignore[no-untyped-call]

    async def _answered(self, response: httpx.Response) -> None:
        self._headers = response.headers
        if self.metrics is not None:
            self.metrics.requests.labels(self.metrics.service, str(response.status_code)).inc()

    async def _execute(self, document: str, variables: dict[str, Any]) -> dict[str, Any]:
        assert self._session is not None, "use the client in `async with`"
        for _ in range(_MAX_ATTEMPTS):
            await self.limiter.acquire()
            try:
                return await self._session.execute(GraphQLRequest(document, variable_values=variables))
            except TransportServerError as error:
                if error.code in (401, 403):
                    raise DemarchesAccessRefusedError(error.code) from error
                if error.code != 429:
                    raise DemarchesUnavailableError(f"DS answered {error.code}") from error
                wait = retry_after_s(self._headers)
                wait = 60.0 if wait is None else wait
                if wait > self.settings.max_retry_after_s:
                    raise DemarchesUnavailableError(f"DS asks to wait {wait:g} s") from error
                await self.sleep(wait)
            except TransportQueryError:
                raise
            except (httpx.HTTPError, OSError, TimeoutError) as error:
                raise DemarchesUnavailableError(type(error).__name__) from error
        raise DemarchesUnavailableError(f"DS still rate-limits after {_MAX_ATTEMPTS} attempts")

    async def changed_dossiers(self, demarche: int, since: datetime, after: str | None) -> DossierPage:
        """One page of the dossiers of `demarche` changed since `since` (inclusive), after the cursor `after`."""
        variables = {"demarche": demarche, "since": since.isoformat(), "after": after, "first": self.settings.page_size}
        data = await self._execute(queries.DOSSIERS_CHANGED, variables)
        return DossierPage.model_validate(data["demarche"]["dossiers"])

    async def dossier(self, number: int) -> Dossier | None:
        """The dossier as DS shows it now; None when DS does not give it (deleted, or not this token's)."""
        try:
            data = await self._execute(queries.ONE_DOSSIER, {"number": number})
        except TransportQueryError:
            return None
        found = data.get("dossier")
        return None if found is None else Dossier.model_validate(found)
