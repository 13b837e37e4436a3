"""Quotas as buckets, from the call's data: a recommending unit's own quota, and the extra quotas a call may add
beside it (rules.yaml quota.extra, eligibility.yaml recommendation.extra_quotas: e.g. up to N more projects per
demonstration base, counted within its province's list). A row of a unit's list says which extra quota it is
filed under in that quota's column (the name of the base); a blank cell means the unit's own quota.

A call without extra quotas has one bucket, the unit's own, and its plan is as it always was (2022's)."""

from .loose import fold
from .strings import s

PREFIX = "extra_"  # a template column id: PREFIX + the extra quota's id


def column(extra):
    """The template column id of an extra quota."""
    return PREFIX + extra["id"]


def columns(ruleset):
    return tuple(column(extra) for extra in ruleset.quota.get("extra", []))


def extra_of(ruleset, column_id):
    """The extra quota a template column is for, or None."""
    return next((extra for extra in ruleset.quota.get("extra", []) if column(extra) == column_id), None)


class Buckets:
    """The buckets of one list, filled in the plan's order: `place(entry)` says which bucket the row counts in
    and whether it is within that bucket's limit."""

    def __init__(self, ruleset, unit, lang):
        self.unit, self.lang = unit, lang
        self.extras = [x for x in ruleset.quota.get("extra", []) if unit["id"] in x["within"]]
        self.all_extras = ruleset.quota.get("extra", [])
        self.own = {"id": "own", "label": s("batch.bucket.own", lang),
                    "quota": unit["quota"], "counted": 0, "citation": unit["citation"]}
        self.found = {}  # (extra id, folded name) -> bucket, in the order first filled

    def key_of(self, entry):
        """(the bucket a row is filed under, a note when its extra cell is not for this kind of unit)."""
        for extra in self.all_extras:
            value = (entry.get(column(extra)) or "").strip()
            if not value:
                continue
            if extra not in self.extras:
                return self.own, s("batch.note_row.extra_not_within", self.lang, per=extra["per"][self.lang],
                                   value=value, unit=self.unit["label"][self.lang], name=extra["name"][self.lang])
            key = (extra["id"], fold(value))
            if key not in self.found:
                self.found[key] = {"id": f"{extra['id']}:{value}", "label": s(
                    "batch.bucket.extra", self.lang, per=extra["per"][self.lang], value=value,
                    name=extra["name"][self.lang]), "quota": extra["quota"], "counted": 0,
                    "citation": extra["citation"]}
            return self.found[key], None
        return self.own, None

    def place(self, entry):
        """Count a row that takes a place: its bucket and 'within' or 'over' that bucket's limit."""
        bucket, note = self.key_of(entry)
        bucket["counted"] += 1
        if self.all_extras:  # said once, however often the list is planned again
            entry["quota_notes"] = [n for n in entry.get("quota_notes", []) if n["code"] != "extra_not_within"] + (
                [{"code": "extra_not_within", "message": note}] if note else [])
        return bucket, "within" if bucket["counted"] <= bucket["quota"] else "over"

    def figures(self):
        """Each bucket with its figures, the unit's own first (what the page's tiles and the export show)."""
        out = []
        for bucket in [self.own, *self.found.values()]:
            counted, quota = bucket["counted"], bucket["quota"]
            out.append({"id": bucket["id"], "label": bucket["label"], "quota": quota, "counted": counted,
                        "within": min(counted, quota), "over_by": max(0, counted - quota),
                        "clause": bucket["citation"]["clause"][self.lang], "quote": bucket["citation"]["quote"]})
        return out
