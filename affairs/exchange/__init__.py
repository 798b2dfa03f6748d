"""跨域通办: the exchange between two Mochou instances (documented in docs/affairs.md).

- `signing`: each request is signed with the partner's shared key (HMAC-SHA256 over the
  timestamp, the message id and the body) and refused when stale, forged or from no partner.
- `outbox`: what we tell a partner is written in the transaction of what it reports and sent
  by the worker after commit; the sweep resends whatever is still undelivered (in order).
- `inbound`: what a partner tells us, applied once per message id (a resend gets the first answer).
The API endpoints are in affairs/api_exchange.py under /api/v1/affairs/exchange/.
"""
