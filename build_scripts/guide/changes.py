"""What changed between a call and the previous one, computed from the two calls' data (no text written by hand).

Compared: directions (added, removed, renamed; matched by id), the recommending units' quotas (unit kinds by id),
the extra quotas beside them (e.g. per demonstration base, by id), and the quota exemption (the one rules.yaml `quota.exemption` names, if any: added, removed, or its lowest level or
its words changed), the directions' measurable minimums (by direction id and minimum id), the
deadlines (matched by their role, see policy_data/schema/call.schema.json), the kinds of applicant and the
priority conditions (by id). Every change carries a citation from each call: the item's own, or, where one call
has no such item, the citation of the list it would be in (so the page can show where that notice says what it
lists).
"""

from __future__ import annotations

from typing import Any

from .render import resolve

SECTIONS = ("directions", "quotas", "minimums", "deadlines", "applicant_kinds", "priority_conditions")


def _by(items, key="id"):
    return {str(item[key]): item for item in items or [] if isinstance(item, dict) and key in item}


def _row(item, before, after, before_cite, after_cite) -> dict:
    """One change: `item` names it ({zh, en}); before/after are {kind, value[, unit]} or None (absent)."""
    change = "added" if before is None else "removed" if after is None else "changed"
    return {"item": item, "change": change, "before": before, "after": after,
            "before_cite": before_cite, "after_cite": after_cite}


def _text(pair):
    return {"kind": "text", "value": pair}


def _number(value, unit=None):
    return {"kind": "number", "value": value, "unit": unit}


def _date(value):
    return {"kind": "date", "value": value}


def _directions(old: dict, new: dict) -> list[dict]:
    a, b = _by(old["directions"].get("directions")), _by(new["directions"].get("directions"))
    cite_a, cite_b = old["call"]["purpose"]["citation"], new["call"]["purpose"]["citation"]
    rows = []
    for did in sorted(set(a) | set(b), key=lambda d: ((b.get(d) or a.get(d)).get("number", 0), d)):
        da, db = a.get(did), b.get(did)
        if da and db and da["title"] == db["title"]:
            continue
        rows.append(_row((db or da)["title"], da and _text(da["title"]), db and _text(db["title"]),
                         da["targets"]["citation"] if da else cite_a, db["targets"]["citation"] if db else cite_b))
    return rows


def _limit_rows(ra: dict, rb: dict, key: str, name: str) -> list[dict]:
    """Rows for the quotas listed under `key` of two recommendation blocks, matched by id, whose limit differs."""
    a, b = _by(ra.get(key)), _by(rb.get(key))
    rows = []
    for kid in list(b) + [k for k in a if k not in b]:
        qa, qb = a.get(kid), b.get(kid)
        if qa and qb and qa["quota"] == qb["quota"]:
            continue
        rows.append(_row((qb or qa)[name], qa and _number(qa["quota"]), qb and _number(qb["quota"]),
                         qa["citation"] if qa else ra["citation"], qb["citation"] if qb else rb["citation"]))
    return rows


def _quotas(old: dict, new: dict) -> list[dict]:
    ra, rb = old["eligibility"]["recommendation"], new["eligibility"]["recommendation"]
    # Each kind of unit's own quota, then the extra quotas beside it (eligibility.yaml recommendation.extra_quotas,
    # by id): a row for each whose limit changed, was added or was dropped.
    rows = _limit_rows(ra, rb, "unit_kinds", "label") + _limit_rows(ra, rb, "extra_quotas", "name")
    ea, eb = exemption(old), exemption(new)
    # Measured by its lowest level when both calls (or the one that has it) give one; else by its words.
    by_level = all("min_level" in e for e in (ea, eb) if e)
    value = (lambda e: e and _number(e["min_level"])) if by_level else (lambda e: e and _text(e["text"]))
    if (ea or eb) and value(ea) != value(eb):
        row = _row((eb or ea)["name"], value(ea), value(eb), (ea or ra)["citation"], (eb or rb)["citation"])
        # The template words this row: "the exemption's lowest level" (by_level), else the exemption's name.
        row["exemption"] = (eb or ea)["name"]
        row["by_level"] = by_level
        rows.append(row)
    return rows


def exemption(data: dict) -> dict | None:
    """The call's quota exemption as the checker applies it (rules.yaml `quota.exemption`, a ref), or None."""
    ref = ((data.get("rules") or {}).get("quota") or {}).get("exemption")
    return resolve(data, ref, raw=True) if ref else None


def _minimums(old: dict, new: dict) -> list[dict]:
    a, b = _by(old["directions"].get("directions")), _by(new["directions"].get("directions"))
    rows = []
    for did in [d for d in b if d in a]:
        da, db = a[did], b[did]
        ma, mb = _by(da.get("minimums")), _by(db.get("minimums"))
        for mid in list(mb) + [m for m in ma if m not in mb]:
            xa, xb = ma.get(mid), mb.get(mid)
            va = xa and resolve(old, xa["value"])
            vb = xb and resolve(new, xb["value"])
            if xa and xb and va == vb:
                continue
            row = _row((xb or xa)["label"], xa and _number(va, xa.get("unit")), xb and _number(vb, xb.get("unit")),
                       xa["citation"] if xa else da["targets"]["citation"],
                       xb["citation"] if xb else db["targets"]["citation"])
            row["direction"] = db["title"]
            rows.append(row)
    return rows


def _deadlines(old: dict, new: dict) -> list[dict]:
    a = _by(old["call"].get("deadlines"), "role")
    b = _by(new["call"].get("deadlines"), "role")
    cite_a, cite_b = old["call"]["title"]["citation"], new["call"]["title"]["citation"]
    rows = []
    for role in list(b) + [r for r in a if r not in b]:
        xa, xb = a.get(role), b.get(role)
        if xa and xb and xa["date"] == xb["date"] and xa["what"] == xb["what"]:
            continue
        row = _row((xb or xa)["what"], xa and _date(xa["date"]), xb and _date(xb["date"]),
                   xa["citation"] if xa else cite_a, xb["citation"] if xb else cite_b)
        row["who"] = (xb or xa)["who"]
        rows.append(row)
    return rows


def _listed(old_list: dict, new_list: dict, label: str) -> list[dict]:
    a, b = _by(old_list.get("items")), _by(new_list.get("items"))
    rows = []
    for iid in list(b) + [i for i in a if i not in b]:
        xa, xb = a.get(iid), b.get(iid)
        if xa and xb and xa[label] == xb[label]:
            continue
        rows.append(_row((xb or xa)[label], xa and _text(xa[label]), xb and _text(xb[label]),
                         (xa or {}).get("citation") or old_list["citation"],
                         (xb or {}).get("citation") or new_list["citation"]))
    return rows


def compare(old: dict, new: dict) -> list[dict]:
    """[{key, rows}] for each of SECTIONS, rows empty when nothing changed there."""
    ea, eb = old["eligibility"], new["eligibility"]
    rows: dict[str, Any] = {
        "directions": _directions(old, new),
        "quotas": _quotas(old, new),
        "minimums": _minimums(old, new),
        "deadlines": _deadlines(old, new),
        "applicant_kinds": _listed(ea["applicant_kinds"], eb["applicant_kinds"], "label"),
        "priority_conditions": _listed(ea["priority_conditions"], eb["priority_conditions"], "text"),
    }
    # The quotas' heading names the exemption (the newer call's name) when either call has one.
    named = exemption(new) or exemption(old)
    sections = [{"key": key, "rows": rows[key]} for key in SECTIONS]
    if named:
        next(s for s in sections if s["key"] == "quotas")["exemption"] = named["name"]
    return sections
