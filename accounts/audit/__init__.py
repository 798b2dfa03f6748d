"""The audit log: who changed which setting, rule, unit, user or closed item, when, why, old → new;
and who logged in (or failed to). Append-only, read by the auditor role (docs/audit.md)."""
