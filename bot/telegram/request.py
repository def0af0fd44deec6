"""PTB's HTTPX transport, sending Bot API parameters as a JSON body instead of a url-encoded form.

The Bot API accepts both. Url-encoding an answer of up to 4,000 characters costs about 80 µs per message in
urllib's quoting, a tenth of all the CPU an update costs; `json.dumps` does it in a few. Uploads (files) still
go as multipart forms, through PTB's own code.
"""

from __future__ import annotations

import json

import httpx
from telegram._utils.defaultvalue import DefaultValue  # PTB's "use the default timeout" marker
from telegram._utils.types import ODVInput  # PTB's own type of its timeout parameters
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, HTTPXRequest, RequestData

ODV = ODVInput[float]


class JsonBodyRequest(HTTPXRequest):
    """`HTTPXRequest` that posts JSON bodies (see the module docstring); errors map as in PTB."""

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODV = BaseRequest.DEFAULT_NONE,
        write_timeout: ODV = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODV = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODV = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if request_data is None or request_data.contains_files or self._client.is_closed:
            return await super().do_request(
                url, method, request_data, read_timeout, write_timeout, connect_timeout, pool_timeout
            )
        defaults = self._client.timeout
        timeout = httpx.Timeout(
            connect=_seconds(connect_timeout, defaults.connect),
            read=_seconds(read_timeout, defaults.read),
            write=_seconds(write_timeout, defaults.write),
            pool=_seconds(pool_timeout, defaults.pool),
        )
        body = json.dumps(request_data.parameters, ensure_ascii=False, separators=(",", ":")).encode()
        try:
            response = await self._client.request(
                method=method,
                url=url,
                headers={"User-Agent": self.USER_AGENT, "Content-Type": "application/json"},
                timeout=timeout,
                content=body,
            )
        except httpx.TimeoutException as err:
            if isinstance(err, httpx.PoolTimeout):
                raise TimedOut(message="Pool timeout: all connections are busy; the request was not sent.") from err
            raise TimedOut from err
        except httpx.HTTPError as err:
            raise NetworkError(f"httpx.{err.__class__.__name__}: {err}") from err
        return response.status_code, response.content


def _seconds(value: ODV, default: float | None) -> float | None:
    """A timeout PTB passes, or the client's own when PTB passes its "default" marker."""
    return default if isinstance(value, DefaultValue) else value
