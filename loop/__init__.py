"""The loop core: what every loop of the city (cases, supervision, enforcement, duty) is built from.

A loop brings its own models, `State`/`Action` choices, a `TRANSITIONS` table and one verb per
action. Everything else comes from here, once:

- `machine.Machine`: the transition table with `next_state` (raises) and `allowed_actions`;
- `guards.Guards`: one guard per action, asked by the verb under its lock and by every page;
- `verbs.Loop`: the verb skeleton — lock, guard, write exactly one event, `update_fields`,
  after-commit duties that survive a queue outage;
- `events.EventBase`: the append-only event log;
- `writes`: the state field refuses to be written outside a verb;
- `deadlines`: near-due / overdue levels and notice thresholds on the working calendar;
- `hooks`: what the apps built on a loop subscribe to, so the loop imports none of them.
"""
