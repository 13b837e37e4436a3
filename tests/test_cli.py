"""The command line: verdicts and exit codes, and clear messages (never a traceback) for bad input."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
CASE = Path(__file__).resolve().parents[1] / "policy_data" / "calls" / "2022" / "cases"


def run(*args, cwd=REPO):
    return subprocess.run([sys.executable, "-m", "checker", *map(str, args)], cwd=cwd, capture_output=True, text=True)


def write_answers(tmp_path, answers, name="answers.yaml"):
    path = tmp_path / name
    if name.endswith(".json"):
        path.write_text(json.dumps(answers), encoding="utf-8")
    else:
        path.write_text(yaml.safe_dump(answers, allow_unicode=True), encoding="utf-8")
    return path


def case_answers(name):
    return yaml.safe_load((CASE / f"{name}.yaml").read_text(encoding="utf-8"))["answers"]


@pytest.mark.parametrize("lang,expected", [("zh", "您的项目可能符合申报条件"), ("en", "Your project may be eligible")])
def test_assess_eligible_text_report_exit_0(tmp_path, lang, expected):
    done = run("assess", write_answers(tmp_path, case_answers("eligible_d4")), "--lang", lang)
    assert done.returncode == 0, done.stderr
    assert expected in done.stdout


def test_assess_not_eligible_exit_1_with_reason_and_citation(tmp_path):
    done = run("assess", write_answers(tmp_path, case_answers("d4_4_scenarios")), "--lang", "en", "--format", "markdown")
    assert done.returncode == 1
    assert "# Verdict: From your answers, the project is not eligible" in done.stdout
    assert "is at least 5" in done.stdout
    assert "不少于5个场景实现应用" in done.stdout.replace(" ", "")


def test_assess_json_schema_and_as_of(tmp_path):
    done = run("assess", write_answers(tmp_path, case_answers("eligible_d5"), "a.json"), "--format", "json",
               "--as-of", "2022-05-01")
    result = json.loads(done.stdout)
    assert result["schema"] == "bdpilot.result/1"
    assert set(result) >= {"verdict", "findings", "priorities", "quota", "timeline", "ruleset_version", "missing"}
    assert result["timeline"]["applicants_open"] is True
    assert result["computed_on"] == "2022-05-01"


def test_incomplete_exit_1_lists_missing(tmp_path):
    done = run("assess", write_answers(tmp_path, {"direction": "d6"}), "--lang", "en")
    assert done.returncode == 1
    assert "Still to answer" in done.stdout and "(d6_cases)" in done.stdout


def test_invalid_yaml_names_file_and_line(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("direction: d4\nown_ip: [yes\nd4_scenarios: 5\n", encoding="utf-8")
    done = run("assess", path)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert f"{path}:" in done.stderr and "invalid YAML" in done.stderr


def test_unknown_direction(tmp_path):
    done = run("assess", write_answers(tmp_path, {"direction": "d9"}), "--lang", "en")
    assert done.returncode == 2
    assert "“d9” is not an option of question “Which direction is the project filed under?”" in done.stderr
    assert "d1 (Data management capability improvement)" in done.stderr


def test_word_for_a_number(tmp_path):
    done = run("assess", write_answers(tmp_path, {"direction": "d4", "d4_scenarios": "three"}), "--lang", "zh")
    assert done.returncode == 2
    assert "“项目产品已在多少个场景实现应用？”：请填写数字，例如 0" in done.stderr


def test_a_value_error_names_the_line_of_the_yaml_file(tmp_path):
    path = tmp_path / "answers.yaml"
    path.write_text("answers:\n  direction: d4\n  own_ip: 'yes'\n  d4_scenarios: three\n", encoding="utf-8")
    done = run("assess", path, "--lang", "en")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert f"{path}:4: “In how many scenarios is the project's product in use?”: enter a number, like 0" \
        in done.stderr


def test_zero_projects_is_refused_with_the_label_and_the_range(tmp_path):
    for qid, label in (("projects_filed", "How many projects does the applicant file in this call, this one included?"),
                       ("directions_covered", "Under how many directions is this project filed?")):
        done = run("assess", write_answers(tmp_path, {qid: 0}), "--lang", "en")
        assert done.returncode == 2
        assert f"The answer 0 to question “{label}” is out of range (1–" in done.stderr, done.stderr
        assert qid not in done.stderr


def test_an_answer_to_a_hidden_question_is_a_warning(tmp_path):
    done = run("assess", write_answers(tmp_path, {"direction": "d7", "d4_scenarios": 6}), "--lang", "en")
    assert done.returncode in (0, 1)
    assert "warning:" in done.stderr and "In how many scenarios is the project's product in use?" in done.stderr
    assert "do not apply" in done.stdout


def test_unknown_key(tmp_path):
    done = run("assess", write_answers(tmp_path, {"directoin": "d4"}), "--lang", "en")
    assert done.returncode == 2
    assert "Unknown question “directoin”" in done.stderr


def test_negative_count(tmp_path):
    done = run("assess", write_answers(tmp_path, {"d5_cases": -1}), "--lang", "en")
    assert done.returncode == 2
    assert "out of range" in done.stderr


def test_missing_file():
    done = run("assess", "/nonexistent/answers.yaml")
    assert done.returncode == 2 and "cannot read" in done.stderr


def test_exported_file_from_browser_is_accepted(tmp_path):
    exported = {"call": "2022", "ruleset_version": "0123456789ab", "exported_on": "2026-11-29",
                "answers": case_answers("eligible_d8")}
    done = run("assess", write_answers(tmp_path, exported, "export.json"))
    assert done.returncode == 0, done.stderr


def test_questions_json_lists_every_question():
    done = run("questions", "--format", "json", "--lang", "en")
    form = json.loads(done.stdout)
    ids = [q["id"] for s in form["sections"] for q in s["questions"]]
    assert "direction" in ids and "d4_scenarios" in ids and len(ids) == len(set(ids))


def test_questions_text():
    done = run("questions")
    assert done.returncode == 0 and "applicant_kind:" in done.stdout and "- d4:" in done.stdout
