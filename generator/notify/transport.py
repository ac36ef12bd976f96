"""Delivery over HTTP (urllib) and SMTP (smtplib), the standard library's own clients.

Each attempt has a timeout; a failure says whether trying again can help (connection errors,
timeouts, HTTP 408, 429 and 5xx, SMTP 4xx) and how long the service asked us to wait
(`Retry-After`). Redirects are failures, as Statuspage treats them: a webhook that moved must
be updated in the configuration, not followed with the body to wherever it points.
"""

from __future__ import annotations

import smtplib
import ssl
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import parseaddr

from .config import Security

USER_AGENT = "Statuspress-notify/1"
#: Envelope recipients per SMTP transaction: many servers refuse more than 100.
SMTP_BATCH = 50
MAX_RETRY_AFTER = 60.0


class DeliveryError(Exception):
    """A delivery attempt failed; `retry` when trying again may succeed."""

    def __init__(self, message: str, retry: bool, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry = retry
        self.retry_after = retry_after


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def post(url: str, data: bytes, headers: dict[str, str], timeout: float) -> int:
    """POST `data`; the HTTP status on 2xx, else `DeliveryError`."""
    if not url.lower().startswith(("https://", "http://")):
        raise DeliveryError("the URL is not http(s)", retry=False)
    request = urllib.request.Request(url, data=data, method="POST", headers={
        "Content-Type": "application/json; charset=utf-8", "User-Agent": USER_AGENT, **headers,
    })
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            response.read(65536)
            return int(response.status)
    except urllib.error.HTTPError as error:
        code = error.code
        retry_after = _seconds(error.headers.get("Retry-After")) if error.headers else None
        retry = code in (408, 429) or code >= 500
        raise DeliveryError(f"HTTP {code}", retry=retry, retry_after=retry_after) from None
    except TimeoutError:
        raise DeliveryError(f"timed out after {timeout:g} s", retry=True) from None
    except urllib.error.URLError as error:
        reason = error.reason
        if isinstance(reason, TimeoutError):
            raise DeliveryError(f"timed out after {timeout:g} s", retry=True) from None
        raise DeliveryError(f"cannot connect: {getattr(reason, 'strerror', None) or reason}", retry=True) from None
    except (ConnectionError, OSError) as error:
        raise DeliveryError(f"connection failed: {error.strerror or error}", retry=True) from None


def _seconds(value: str | None) -> float | None:
    try:
        return min(MAX_RETRY_AFTER, max(0.0, float(value))) if value else None
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class SmtpServer:
    host: str
    port: int
    security: Security
    user: str
    password: str


def send_mail(server: SmtpServer, mail: EmailMessage, recipients: list[str], timeout: float) -> None:
    """Send `mail` to every address of `recipients` (in batches), or raise `DeliveryError`."""
    sender = parseaddr(str(mail["From"]))[1]
    # EHLO with the sender's domain: smtplib's default asks DNS for our own name (socket.getfqdn),
    # half a second or more per connection where DNS is slow or unreachable
    helo = sender.rpartition("@")[2] or "localhost"
    try:
        if server.security is Security.TLS:
            client: smtplib.SMTP = smtplib.SMTP_SSL(server.host, server.port, local_hostname=helo, timeout=timeout,
                                                    context=ssl.create_default_context())
        else:
            client = smtplib.SMTP(server.host, server.port, local_hostname=helo, timeout=timeout)
        with client:
            if server.security is Security.STARTTLS:
                client.starttls(context=ssl.create_default_context())
            if server.user:
                client.login(server.user, server.password)
            for start in range(0, len(recipients), SMTP_BATCH):
                client.send_message(mail, from_addr=sender, to_addrs=recipients[start : start + SMTP_BATCH])
    except smtplib.SMTPRecipientsRefused as error:
        raise DeliveryError(f"every recipient was refused ({len(error.recipients)})", retry=False) from None
    except smtplib.SMTPResponseException as error:
        raise DeliveryError(f"SMTP {error.smtp_code}", retry=400 <= error.smtp_code < 500) from None
    except TimeoutError:
        raise DeliveryError(f"timed out after {timeout:g} s", retry=True) from None
    except (smtplib.SMTPException, OSError) as error:
        raise DeliveryError(f"SMTP failed: {getattr(error, 'strerror', None) or error}", retry=True) from None
