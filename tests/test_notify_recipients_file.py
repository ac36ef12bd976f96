"""A recipients file saved by Notepad or a spreadsheet ("CSV UTF-8") starts with a byte order
mark and ends its lines with CRLF: every subscriber in it gets the e-mail, the first one too."""

from __future__ import annotations

from pathlib import Path

from tests.notifykit import HttpReceiver, SmtpReceiver, environ
from tests.test_notify_delivery import notify, organisation


def test_a_recipients_file_with_a_byte_order_mark_reaches_everyone(
    tmp_path: Path, http: HttpReceiver, smtp: SmtpReceiver
) -> None:
    subscribers = tmp_path / "subscribers.txt"
    subscribers.write_bytes(b"\xef\xbb\xbfcarol@example.org\r\n# a comment\r\ndave@example.org\r\n")
    channel = f"""\
  - name: subscribers
    type: email
    audience: public
    smtp: {{host: "${{SMTP_HOST}}", port: {smtp.port}, security: none}}
    from: Acme Status <status@acme.example>
    recipients_file: {subscribers}
"""
    content = organisation(tmp_path, smtp.port, extra=channel)
    env = environ(http)
    assert notify(content, env, "2026-11-28T09:00:00Z").exit_code == 0  # first run: history marked sent
    result = notify(content, env, "2026-11-28T10:15:00Z", "--channel=subscribers")
    assert result.exit_code == 0, result.output
    assert [recipients for _, recipients, _ in smtp.mails] == [["carol@example.org", "dave@example.org"]]
