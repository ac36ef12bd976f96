"""Push notifications: every update of the published site, delivered once to each channel of
`content/notify.yaml` (e-mail, Slack, Microsoft Teams, Discord, signed webhooks).

The pieces, in the order a run uses them: `config` (the channels, read and checked by
`load.notify`), `plan` (pure: site + now -> every message due, with stable ids), `render`
(one payload per channel type), `ledger` (append-only record of what was delivered), `transport`
(SMTP and HTTP with timeouts and retries) and `runner` (ties them together under a lock).
"""
