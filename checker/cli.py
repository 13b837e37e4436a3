"""Command line: python -m checker validate | compile | questions | assess | template | batch."""

import argparse
import datetime
import json
import sys
from pathlib import Path

from . import answers as answers_mod
from . import batch as batch_mod
from .engine import assess
from .questionnaire import questionnaire, render_text
from .report import render

EXIT_OK, EXIT_NOT_ELIGIBLE, EXIT_BAD_INPUT = 0, 1, 2


class InputError(Exception):
    """Input the command cannot use; the message names the file and, where known, the line."""


def _ruleset(args):
    from .loader import PolicyDataError, load_bundle
    from .ruleset import Ruleset

    folder = _call_folder(args)
    try:
        return Ruleset(load_bundle(folder, root=folder.parent.parent))
    except PolicyDataError as exc:
        raise InputError("policy data is invalid:\n" + str(exc)) from None


def _call_folder(args):
    """--call-dir, else --call, else the newest call under policy_data/calls (by its deadlines)."""
    from .loader import PolicyDataError, call_dir, newest_call_id

    if args.call_dir:
        return Path(args.call_dir)
    try:
        return call_dir(args.call or newest_call_id())
    except PolicyDataError as exc:
        raise InputError(str(exc)) from None


def read_answers_file(path, with_lines=False):
    """Parse an answers file: .json as JSON, anything else as YAML (with_lines: also each key's line, YAML only)."""
    from .yamlsource import YamlError, load_text

    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read: {exc}") from None
    if str(path).lower().endswith(".json"):
        try:
            data = json.loads(text)
            return (data, {}) if with_lines else data
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}:{exc.lineno}: invalid JSON, column {exc.colno}: {exc.msg}") from None
    try:
        data, lines = load_text(text, path)
    except YamlError as exc:
        raise InputError(str(exc)) from None
    return (data, lines) if with_lines else data


def _where(path, lines, document, question):
    """file:line for an answer's key in a YAML answers file, else the file alone."""
    key = ("answers", question) if isinstance(document, dict) and isinstance(document.get("answers"), dict) \
        else (question,)
    return f"{path}:{lines[key]}" if key in lines else str(path)


def _date(value):
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date YYYY-MM-DD: {value!r}") from None


def cmd_validate(args):
    from .loader import PolicyDataError, load_bundle

    folder = _call_folder(args)
    try:
        bundle = load_bundle(folder, root=folder.parent.parent)
    except PolicyDataError as exc:
        print(f"{len(exc.problems)} problem(s) in {folder}:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return EXIT_NOT_ELIGIBLE
    print(f"OK: call {bundle['call']['id']} in {folder}: {len(bundle['questions'])} questions, "
          f"{len(bundle['rules'])} rules, rule set {bundle['version']}")
    return EXIT_OK


def cmd_compile(args):
    bundle = _ruleset(args).bundle
    text = json.dumps(bundle, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    if args.output:
        Path(args.output).parent.mkdir(parents=True, exist_ok=True)
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"wrote {args.output} (rule set {bundle['version']})")
    else:
        print(text)
    return EXIT_OK


def cmd_questions(args):
    form = questionnaire(_ruleset(args), args.lang)
    if args.format == "json":
        print(json.dumps(form, ensure_ascii=False, indent=2))
    else:
        sys.stdout.write(render_text(form))
    return EXIT_OK


def cmd_assess(args):
    ruleset = _ruleset(args)
    document, lines = read_answers_file(args.file, with_lines=True)
    try:
        result = assess(ruleset, document, args.lang, args.as_of)
    except answers_mod.AnswersError as exc:
        raise InputError("\n  ".join(f"{_where(args.file, lines, document, e['question'])}: {e['message']}"
                                      for e in exc.errors)) from None
    if result["ignored"]:
        print(f"warning: {args.file}: {result['ignored_note']}", file=sys.stderr)
    if args.format == "json":
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        sys.stdout.write(render(result, args.format))
    return EXIT_OK if result["verdict"] in ("eligible", "eligible_with_points_to_confirm") else EXIT_NOT_ELIGIBLE


def cmd_template(args):
    sys.stdout.write(batch_mod.template_csv(_ruleset(args), args.lang))
    return EXIT_OK


def cmd_batch(args):
    ruleset = _ruleset(args)
    path = Path(args.file)
    try:
        if path.suffix.lower() == ".xlsx":
            header, rows = batch_mod.read_xlsx_rows(path.read_bytes())
        else:
            header, rows = batch_mod.read_csv_rows(path.read_text(encoding="utf-8-sig"))
        plan = batch_mod.screen(ruleset, header, rows, args.unit_kind, args.lang)
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read: {exc}") from None
    except batch_mod.BatchError as exc:
        raise InputError(f"{path}: {exc.message(args.lang)}") from None
    text = (json.dumps(plan, ensure_ascii=False, indent=2) + "\n" if args.format == "json"
            else batch_mod.result_csv(plan, args.lang))
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    for entry in plan["rows"]:
        for error in entry["errors"]:
            print(f"{path}: row {entry['row']}, column {error['column'] or '-'}: {error['message']}", file=sys.stderr)
    return EXIT_OK


def build_parser():
    parser = argparse.ArgumentParser(prog="python -m checker", description=__doc__)
    parser.add_argument("--call", help="call id: a folder under policy_data/calls (default: the newest call, by its "
                        "deadlines)")
    parser.add_argument("--call-dir", help="a call folder anywhere (its ../../source holds the notice)")
    sub = parser.add_subparsers(dest="command", required=True)

    sub.add_parser("validate", help="check the policy data; report every problem as file:line: key: message")
    p = sub.add_parser("compile", help="write the compiled rule set (JSON) the browser uses")
    p.add_argument("--output", "-o")
    p = sub.add_parser("questions", help="print the questionnaire")
    p.add_argument("--lang", choices=("zh", "en"), default="zh")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p = sub.add_parser("assess", help="assess one project from an answers file (YAML or JSON)")
    p.add_argument("file")
    p.add_argument("--lang", choices=("zh", "en"), default="zh")
    p.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    p.add_argument("--as-of", type=_date, help="date for the timeline, YYYY-MM-DD (default: today)")
    p = sub.add_parser("template", help="print a CSV template for the batch command")
    p.add_argument("--lang", choices=("zh", "en"), default="zh")
    p = sub.add_parser("batch", help="screen many projects from a CSV (or .xlsx) file and plan the quota")
    p.add_argument("file")
    p.add_argument("--unit-kind", required=True, help="province, city, central-soe or other")
    p.add_argument("--lang", choices=("zh", "en"), default="zh")
    p.add_argument("--format", choices=("csv", "json"), default="csv")
    p.add_argument("--output", "-o")
    return parser


COMMANDS = {"validate": cmd_validate, "compile": cmd_compile, "questions": cmd_questions, "assess": cmd_assess,
            "template": cmd_template, "batch": cmd_batch}


def main(argv=None):
    """Run the command line; return the exit code."""
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
