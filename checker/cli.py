"""Command line: python -m checker validate | compile | questions | assess | template | batch."""

import argparse
import datetime
import json
import os
import sys
from pathlib import Path

from . import answers as answers_mod
from . import sheet_errors
from . import plan as planning
from . import formats, jsontext, limits, pipeline
from .questionnaire import questionnaire, render_text
from .report import render
from .strings import s

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
    """--call-dir, else --call checked against the folders under policy_data/calls (never used as a path on its
    own, so "../../etc" is refused, not read), else the newest call there (by its deadlines)."""
    from .loader import POLICY_DIR, PolicyDataError, call_dir, newest_call_id

    if args.call_dir:
        return Path(args.call_dir)
    if args.call is not None:
        calls = sorted(p.name for p in (POLICY_DIR / "calls").iterdir() if (p / "call.yaml").is_file())
        if args.call not in calls:
            raise InputError(f"unknown call {limits.shorten(args.call)!r}; known calls: {', '.join(calls)}")
    try:
        return call_dir(args.call or newest_call_id())
    except PolicyDataError as exc:
        raise InputError(str(exc)) from None


def read_answers_file(path, with_lines=False):
    """Parse an answers file: .json as JSON, anything else as YAML (with_lines: also each key's line, YAML only)."""
    from .yamlsource import YamlError, load_text

    text = _read_text(path, limits.MAX_YAML_CHARS)
    if str(path).lower().endswith(".json"):
        if jsontext.nesting(text) > limits.MAX_DEPTH:
            raise InputError(f"{path}: nested more than {limits.MAX_DEPTH} levels deep")
        try:  # NaN and Infinity are kept as markers, so the answer they belong to is named
            data = jsontext.loads(text)
            return (data, {}) if with_lines else data
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}:{exc.lineno}: invalid JSON, column {exc.colno}: {exc.msg}") from None
        except (ValueError, RecursionError):  # an integer of more than 4,300 digits
            raise InputError(f"{path}: a number with too many digits") from None
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


def _read_text(path, limit):
    """A UTF-8 text file of at most `limit` characters (a BOM is dropped), or InputError saying why not."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(4 * limit + 4)  # UTF-8 takes at most 4 bytes a character
        if len(data) > 4 * limit:
            raise InputError(f"{path}: too large (at most {limit} characters)")
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text (byte {exc.start + 1}); save it as UTF-8") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if len(text) > limit:
        raise InputError(f"{path}: too large ({len(text)} characters; at most {limit})")
    return text


def _write(text, output=None, as_ascii=None):
    """Write to the file `output` (UTF-8) or to standard output in its encoding. Characters the target cannot
    hold (a lone surrogate; on a Chinese Windows console, anything beyond GBK) become as_ascii() when given
    (JSON with \\u escapes, lossless), else a replacement character; never an exception."""
    stream = None if output else sys.stdout
    if not output and stream is None:  # started with standard output closed (`>&-`)
        raise InputError("standard output is closed: redirect it to a file (or give one with --output where the command has it)")
    encoding = "utf-8" if output else (getattr(stream, "encoding", None) or "utf-8")
    if not output and encoding.lower().replace("-", "").replace("_", "") not in ("utf8", "utf8sig"):
        text = text.lstrip("\ufeff")  # a BOM means nothing to a console (and GBK has none)
    try:
        text.encode(encoding)
    except UnicodeEncodeError:
        text = as_ascii() if as_ascii else text.encode(encoding, "replace").decode(encoding)
    except LookupError:
        pass
    if not output:
        stream.write(text)
        return
    _write_file(output, lambda target: target.write_text(text, encoding="utf-8"))


def _write_file(output, write):
    """Write to the file `output` with `write(path)`; a folder, a missing folder or a refusal is said, not raised."""
    target = Path(output)
    if target.is_dir():
        raise InputError(f"{output}: is a folder; give a file name to write to")
    if not target.parent.is_dir():
        raise InputError(f"{output}: the folder {target.parent} does not exist")
    try:
        write(target)
    except OSError as exc:
        raise InputError(f"{output}: cannot write: {exc.strerror or exc}") from None


def _json(value, indent=None, separators=None, sort_keys=False):
    """(JSON text, a function giving the same as pure ASCII) for _write."""
    def dump(ascii_only):
        return json.dumps(value, ensure_ascii=ascii_only, indent=indent, separators=separators, sort_keys=sort_keys)

    return dump(False), lambda: dump(True)


def _date(value):
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date YYYY-MM-DD: {value!r}") from None


def cmd_validate(args):
    """Problems in the policy data on stderr; then the review list (quotes not found in the notice, with the
    closest text; quotes under another clause number) on stdout. Non-zero when either has anything."""
    from .loader import PolicyDataError, load_bundle
    from .quote_review import render, review_call

    folder = _call_folder(args)
    problems, bundle = [], None
    try:
        bundle = load_bundle(folder, root=folder.parent.parent, cases=True)
    except PolicyDataError as exc:
        problems = exc.problems
    items = review_call(folder, folder.parent.parent)
    if items is not None:  # the review list says more about each quote than "not found"
        problems = [p for p in problems if p.kind != "quote"]
    if problems:
        print(f"{len(problems)} problem(s) in {folder}:", file=sys.stderr)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
    if items:
        _write(render(items, args.lang, _notice_name(folder)))
    if problems or items:
        return EXIT_NOT_ELIGIBLE
    print(f"OK: call {bundle['call']['id']} in {folder}: {len(bundle['questions'])} questions, "
          f"{len(bundle['rules'])} rules, rule set {bundle['version']}")
    return EXIT_OK


def _notice_name(folder):
    """The notice file call.yaml names (for the review list's heading)."""
    from .yamlsource import YamlError, load_file

    try:
        call, _lines = load_file(Path(folder) / "call.yaml")
        return str(Path(folder).parent.parent / call["source"]["file"])
    except (YamlError, KeyError, TypeError):
        return str(folder)


def cmd_compile(args):
    bundle = _ruleset(args).bundle
    text, as_ascii = _json(bundle, separators=(",", ":"), sort_keys=True)
    if args.output:
        try:  # the build writes into checker/data/, which may not exist yet
            Path(args.output).parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(f"{args.output}: cannot create its folder: {exc.strerror or exc}") from None
        _write(text, args.output)
        print(f"wrote {args.output} (rule set {bundle['version']})")
    else:
        _write(text + "\n", as_ascii=lambda: as_ascii() + "\n")
    return EXIT_OK


def cmd_questions(args):
    form = questionnaire(_ruleset(args), args.lang)
    if args.format == "json":
        text, as_ascii = _json(form, indent=2)
        _write(text + "\n", as_ascii=lambda: as_ascii() + "\n")
    else:
        _write(render_text(form))
    return EXIT_OK


def cmd_assess(args):
    ruleset = _ruleset(args)
    document, lines = read_answers_file(args.file, with_lines=True)
    try:
        result = pipeline.assess(ruleset, document, args.lang, args.as_of)
    except answers_mod.AnswersError as exc:
        raise InputError("\n  ".join(f"{_where(args.file, lines, document, e['question'])}: {e['message']}"
                                      for e in exc.errors)) from None
    if result["ignored"]:
        print(f"warning: {args.file}: {result['ignored_note']}", file=sys.stderr)
    if args.format == "json":
        text, as_ascii = _json(result, indent=2)
        _write(text + "\n", as_ascii=lambda: as_ascii() + "\n")
    else:
        _write(render(result, args.format))
    return EXIT_OK if result["verdict"] in ("eligible", "eligible_with_points_to_confirm") else EXIT_NOT_ELIGIBLE


def cmd_template(args):
    ruleset = _ruleset(args)
    content, binary = formats.write("template", _format(args, formats.names("template")), ruleset, args.lang)
    _write_bytes(content, args.output) if binary else _write(content, args.output)
    return EXIT_OK


def _format(args, allowed):
    """--format, else the output file's suffix when it names one of `allowed`, else CSV (what a terminal shows)."""
    if args.format:
        return args.format
    suffix = Path(args.output).suffix.lower() if args.output else ""
    found = [name for name in allowed if formats.FORMATS[name].suffix == suffix]
    return found[0] if found else "csv"


def _write_bytes(data, output):
    """Write a workbook to the file `output` (never to a terminal)."""
    if not output:
        raise InputError("an .xlsx workbook is written to a file: give one with --output/-o")
    _write_file(output, lambda target: target.write_bytes(data))  # (a workbook)


def cmd_batch(args):
    ruleset = _ruleset(args)
    path = Path(args.file)
    file_format = _format(args, formats.names("plan"))
    try:  # the file's bytes, read as the page reads them (sheet_io: encodings, separators, workbooks)
        plan = pipeline.screen_upload(ruleset, args.unit_kind, args.lang, data=_read_bytes(path), file_name=path.name,
                                      order_by=args.order, as_of=args.as_of)
    except sheet_errors.BatchError as exc:
        raise InputError(f"{path}: {exc.message(args.lang)}") from None
    if len(args.unit_name) > limits.MAX_NAME_CHARS:
        raise InputError(f"--unit-name: longer than {limits.MAX_NAME_CHARS} characters")
    content, binary = pipeline.write_plan(plan, file_format, args.unit_name)
    if binary:
        _write_bytes(content, args.output)
    else:
        ascii_plan = formats.FORMATS[file_format].ascii_plan
        _write(content, args.output, as_ascii=(lambda: ascii_plan(plan, args.lang)) if ascii_plan else None)
    for note in plan["notes"]:
        print(f"{path}: {note['message']}", file=sys.stderr)
    for entry in plan["rows"]:
        for error in entry["errors"]:
            where = s("batch.cli.row_column" if error["column"] else "batch.cli.row", args.lang, row=entry["row"],
                      column=error.get("column_label") or error["column"])
            print(f"{path}: {where}: {error['message']}", file=sys.stderr)
    return EXIT_OK


def _read_bytes(path):
    """The file's bytes, at most as many as a workbook or a CSV file may have."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(limits.MAX_FILE_BYTES + 1)  # one byte more: a larger file is said to be so
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
    return data


def build_parser():
    parser = argparse.ArgumentParser(prog="python -m checker", description=__doc__)
    parser.add_argument("--call", help="call id: a folder under policy_data/calls (default: the newest call, by its "
                        "deadlines)")
    parser.add_argument("--call-dir", help="a call folder anywhere (its ../../source holds the notice)")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("validate", help="check the policy data and the call's answer cases; report every problem as "
                       "file:line: key: message, and list the citations to review against the notice (a quote "
                       "not found: the closest text and what differs; a quote under another clause number)")
    p.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of the review list")
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
    p = sub.add_parser("template", help="the list template for the batch command (CSV, or .xlsx with drop-downs)")
    p.add_argument("--lang", choices=("zh", "en"), default="zh")
    p.add_argument("--format", choices=formats.names("template"), help="default: from --output's suffix, else csv")
    p.add_argument("--output", "-o", help="file to write (needed for xlsx)")
    p = sub.add_parser("batch", help="screen many projects from a CSV or .xlsx file and plan the quota")
    p.add_argument("file")
    p.add_argument("--unit-kind", required=True, help="the kind of recommending unit, as the call's data names it (e.g. province); an unknown one is refused naming the known ones")
    p.add_argument("--lang", choices=("zh", "en"), default="zh")
    p.add_argument("--format", choices=formats.names("plan"), help="default: from --output's suffix, else csv")
    p.add_argument("--output", "-o")
    p.add_argument("--as-of", type=_date, help="the screening date shown in the export, YYYY-MM-DD (default: today)")
    p.add_argument("--unit-name", default="", help="the recommending unit's name, shown at the top of the export")
    p.add_argument("--order", choices=planning.ORDER_BY, default=planning.ORDER_BY[0],
                   help="the list's order: the file's own rows (default), or the tool's suggestion (more priority "
                   "conditions met first, then the file's order); the notice prescribes no method of ranking")
    return parser


COMMANDS = {"validate": cmd_validate, "compile": cmd_compile, "questions": cmd_questions, "assess": cmd_assess,
            "template": cmd_template, "batch": cmd_batch}


def _console_safe():
    """Never fail on a character the console cannot show (cp936 on Chinese Windows, a lone surrogate): replace it."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="replace")
        except (AttributeError, ValueError, OSError):
            pass


def _flush_stdout():
    if sys.stdout is not None:
        sys.stdout.flush()


def _quiet_stdout():
    """Point standard output at /dev/null, so Python's own flush at exit has nothing left to fail on."""
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, AttributeError, ValueError):
        pass


def main(argv=None):
    """Run the command line; return the exit code. Bad input is one line on stderr, never a traceback."""
    _console_safe()
    args = build_parser().parse_args(argv)
    try:
        code = COMMANDS[args.command](args)
        _flush_stdout()  # a full disk or a closed pipe shows here, not as a traceback at exit
        return code
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:  # e.g. `| head`: the reader has gone; nothing more to say (Python docs' recipe)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except OSError as exc:  # standard output cannot be written (a full disk: `> /dev/full`)
        _quiet_stdout()
        print(f"error: cannot write to standard output: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except (RecursionError, MemoryError) as exc:
        print(f"error: the input is too large or too deeply nested ({type(exc).__name__})", file=sys.stderr)
        return EXIT_BAD_INPUT
