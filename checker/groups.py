"""Applicants that are groups (a lead and members), for a call whose data says so (rules.yaml screening.applicant_group,
eligibility.yaml applicant_group): the members' cell of a screened row read into (name, credit code) pairs, and the
rows that name one organisation among their members or as their applicant found through one index by credit code.

The lead is the row's applicant (its name and credit code columns); the members' cell lists the others, each as
"name, credit code", separated by semicolons or line breaks (the template's comment on the column says so).
A call without groups never reaches this module: its template, rows and plan are as they were (2022's)."""

import heapq
import itertools
import re

from . import limits
from .loose import fold
from .strings import s

COLUMN = "members"  # the template's column id of the members (present only when the call has applicant groups)

_ENTRY_SPLIT = re.compile(r"[;；\n\r]+")
# "name, code" (a comma of either width, a colon or white space between them); the code is letters and digits.
_ENTRY = re.compile(r"^(?P<name>.*?)[\s,，:：]+(?P<code>[0-9A-Za-z]+)$")
_CODE_ONLY = re.compile(r"^[0-9A-Za-z]+$")


def read_members(cell, lang):
    """([(name, code)], [error messages]) of a members' cell; blank: ([], [])."""
    members, errors = [], []
    entries = [e.strip() for e in _ENTRY_SPLIT.split(cell or "") if e.strip()]
    for number, entry in enumerate(entries, start=1):
        shown = limits.shorten(entry)
        if _CODE_ONLY.match(entry) and any(ch.isdigit() for ch in entry):
            errors.append(s("batch.members.no_name", lang, n=number, code=shown))
            continue
        match = _ENTRY.match(entry)
        if not match or not match.group("name").strip() or not any(ch.isdigit() for ch in match.group("code")):
            errors.append(s("batch.members.no_code", lang, n=number, member=shown))
            continue
        members.append((match.group("name").strip(), match.group("code").strip()))
        if len(errors) >= limits.MAX_ERRORS:
            break
    return members, errors


def member_text(members, lang):
    """The members as people read them: 名称（代码）、… / name (code); …"""
    return s("batch.list_sep", lang).join(s("batch.members.one", lang, name=name, code=code) for name, code in members)


class Shared:
    """Rows naming one organisation (by credit code) among their applicant and members, the applicant of one row
    being never matched with the applicant of another (that is the same applicant: checker/plan.py Applicants).
    Built once from the rows: indexes code -> rows naming it as applicant, as a member; each code folded once
    (issue 32: linear in the rows)."""

    def __init__(self, results):
        self.leads, self.members = {}, {}
        self.lead_of, self.member_codes, self.tokens = {}, {}, {}
        for entry in results:
            row = entry["row"]
            lead = fold(entry.get("credit_code", ""))
            codes = (fold(code) for _name, code in entry.get("member_list", []))
            members = list(dict.fromkeys(c for c in codes if c and c != lead))
            self.lead_of[row], self.member_codes[row] = lead, members
            self.tokens[row] = ([lead] if lead else []) + members  # every code the row names (the plan's index)
            if lead:
                self.leads.setdefault(lead, []).append(row)
            for code in members:
                self.members.setdefault(code, []).append(row)

    def rows_sharing(self, row):
        """(the other rows naming an organisation `row` names, at most limits.MAX_ROWS_NAMED in row order, not
        counting rows that share only its applicant; the code of the organisation shared first, or None)."""
        lead = self.lead_of[row]
        pairs = [(lead, self.members.get(lead, []))] if lead else []
        for code in self.member_codes[row]:
            pairs += [(code, self.leads.get(code, [])), (code, self.members.get(code, []))]
        skip, out = {row}, []
        for other in heapq.merge(*(rows for _code, rows in pairs)):
            if other not in skip:
                skip.add(other)
                out.append(other)
                if len(out) >= limits.MAX_ROWS_NAMED:
                    break
        named = set(out)
        shared = next((code for code, rows in pairs
                       if any(r in named for r in itertools.islice(rows, limits.MAX_ROWS_NAMED + 1))), None)
        return out, shared


def who(entry, token, lang):
    """The organisation a row names under `token` (its credit code), as "name (code)"."""
    if fold(entry.get("credit_code", "")) == token:
        return s("batch.members.one", lang, name=entry.get("applicant_name", ""), code=entry.get("credit_code", ""))
    for name, code in entry.get("member_list", []):
        if fold(code) == token:
            return s("batch.members.one", lang, name=name, code=code)
    return token


def flag_shared(ruleset, results, lang, rows_text):
    """Flag every row that names, among its applicant and members, an organisation another row names too (not the
    rows already said to be the same applicant): which rows, which organisation, whether that blocks or is a point
    to confirm and the clause, from the call's data. Returns the index, for the plan."""
    group = ruleset.screening["applicant_group"]
    rule = group["shared_member"]
    shared = Shared(results)
    for entry in results:
        rows, token = shared.rows_sharing(entry["row"])
        entry["shared_member_rows"] = rows
        if not rows:
            continue
        entry["flags"].append({"code": "shared_member", "severity": rule["severity"], "message": s(
            "batch.flag.shared_member", lang, rows=rows_text(rows, lang), group=group["name"][lang],
            who=who(entry, token, lang) if token else "", reading=rule["text"][lang],
            badge=s("badge." + ("blocking" if rule["severity"] == "blocks" else "confirm"), lang),
            clause=rule["citation"]["clause"][lang], quote=rule["citation"]["quote"])})
    return shared
