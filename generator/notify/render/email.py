"""E-mail: plain text and HTML from the same sanitised Markdown, threaded per record.

Every message of one incident (or maintenance window) refers to one thread id with
`In-Reply-To` and `References`, so mail clients show the incident as one conversation; the
`Message-ID` is stable (record, message and channel), so a re-sent message is recognisably the
same. Header values are put on one line first: no title can start a header of its own.
"""

from __future__ import annotations

from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, parseaddr
from html import escape

from ..messages import Message
from .text import PLAIN, convert, html, one_line


def message_id(channel: str, message: Message, domain: str) -> str:
    return f"<{message.id.replace('/', '.')}.{channel}@{domain}>"


def thread_id(channel: str, message: Message, domain: str) -> str:
    return f"<{message.thread.replace('/', '.')}.{channel}@{domain}>"


def compose(
    message: Message, channel: str, key: str, sender: str, to: list[str], site_name: str, domain: str,
    unsubscribe: tuple[str, ...], undisclosed: bool,
) -> EmailMessage:
    """The e-mail for `message`. Public channels send to undisclosed recipients (subscribers
    never see each other's addresses); internal ones name their recipients."""
    mail = EmailMessage()
    mail["Subject"] = f"[{one_line(site_name)}] {one_line(message.headline)}"
    name, address = parseaddr(one_line(sender))
    mail["From"] = Address(display_name=name, addr_spec=address) if name else address
    mail["To"] = "undisclosed-recipients:;" if undisclosed else ", ".join(to)
    mail["Date"] = format_datetime(message.at)
    mail["Message-ID"] = message_id(channel, message, domain)
    thread = thread_id(channel, message, domain)
    mail["In-Reply-To"] = thread
    mail["References"] = thread
    # A phrase, quoted when the name holds `<`, `,` or `"`, so filters find the id in brackets.
    mail["List-Id"] = formataddr((one_line(site_name), f"{channel}.{domain}"))
    if unsubscribe:
        mail["List-Unsubscribe"] = ", ".join(f"<{link}>" for link in unsubscribe)
    if one_click(unsubscribe):
        mail["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    mail["Auto-Submitted"] = "auto-generated"
    mail["X-Statuspress-Message"] = message.id
    mail["X-Statuspress-Idempotency-Key"] = key
    mail.set_content(text_part(message, unsubscribe), charset="utf-8")
    mail.add_alternative(html_part(message, site_name, unsubscribe), subtype="html", charset="utf-8")
    return mail


def one_click(unsubscribe: tuple[str, ...]) -> bool:
    """RFC 8058 one-click unsubscribing needs an https link: mail clients POST
    `List-Unsubscribe=One-Click` to it (never to mailto: or plain http)."""
    return any(link.lower().startswith("https://") for link in unsubscribe)


def text_part(message: Message, unsubscribe: tuple[str, ...]) -> str:
    lines = [one_line(message.headline), ""]
    body = convert(message.body, PLAIN)
    if body:
        lines += [body, ""]
    lines += [f"{one_line(label)}: {one_line(value)}" for label, value in message.facts]
    lines += ["", message.link]
    if unsubscribe:
        lines += ["", "Unsubscribe: " + " or ".join(unsubscribe)]
    return "\n".join(lines) + "\n"


def html_part(message: Message, site_name: str, unsubscribe: tuple[str, ...]) -> str:
    facts = "".join(
        f"<tr><th align=\"left\">{escape(one_line(label))}</th><td>{escape(one_line(value))}</td></tr>"
        for label, value in message.facts
    )
    links = " or ".join(f'<a href="{escape(link)}">{escape(link)}</a>' for link in unsubscribe)
    return (
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
        f"<title>{escape(one_line(message.headline))}</title></head><body>"
        f"<h1>{escape(one_line(message.headline))}</h1>"
        f"{html(message.body)}"
        + (f"<table>{facts}</table>" if facts else "")
        + f"<p><a href=\"{escape(message.link)}\">{escape(message.link)}</a></p>"
        + (f"<p><small>{escape(one_line(site_name))} \u00b7 Unsubscribe: {links}</small></p>" if links else "")
        + "</body></html>\n"
    )
