"""The worker's memory of the latest plans: what a `replan` or `export` request names by id. The id comes from
the plan's content, so CPython and Pyodide give the same screen the same id."""

import hashlib
import json

from .export import result_csv
from .plan import placement, replan
from .sheet_errors import BatchError


_PLANS = {}  # plan id -> the latest plan of a screen: what a `replan` request reorders (the worker's memory)


_KEEP_PLANS = 4


def exported(plan):
    """A plan as a response: with the id a `replan` request names and its export (`csv`)."""
    # The id comes from the plan's content, not a counter: the same screen gets the same id in every process
    # (CPython and Pyodide answer alike), and a different screen a different one.
    plan_id = plan.get("plan_id") or "plan-" + hashlib.sha256(
        json.dumps(plan, sort_keys=True, ensure_ascii=False, default=str).encode("utf-8", "surrogatepass")).hexdigest()[:16]
    plan = dict(plan, plan_id=plan_id)
    _PLANS.pop(plan_id, None)
    _PLANS[plan_id] = plan
    while len(_PLANS) > _KEEP_PLANS:
        del _PLANS[next(iter(_PLANS))]
    return dict(plan, csv=result_csv(plan, plan["lang"]))


def replan_request(ruleset, plan_id, order=None, order_by=None):
    """The plan `plan_id` (an earlier batch's) in `order` (None: its base order), from the base order `order_by`
    (None: the plan's own), as its placement: what a change of order changes (ranks, quota statuses, figures,
    the order said). The export follows with an `export` request."""
    return placement(kept(ruleset, plan_id, lambda previous: dict(
        replan(ruleset, previous, order, order_by=order_by), plan_id=plan_id)))


def kept(ruleset, plan_id, change=None):
    """The plan `plan_id` as it stands (changed first by `change`, when given); BatchError when it is gone."""
    plan = _PLANS.get(plan_id)
    if plan is None or plan["call"] != ruleset.call["id"]:
        raise BatchError("plan_expired")
    if change:
        plan = _PLANS[plan_id] = change(plan)
    return plan
