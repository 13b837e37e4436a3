"""The policy data validates, and each kind of defect planted in a copy is reported with file, line and key path."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from checker.loader import POLICY_DIR, PolicyDataError, load_bundle, load_call_data

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"


def test_real_data_validates():
    data = load_call_data(POLICY_DIR / "calls" / "2022")
    assert [d["id"] for d in data["directions"]["directions"]] == [f"d{n}" for n in range(1, 9)]
    assert len(data["directions"]["areas"]) == 3


def test_validate_command_passes_on_real_data():
    done = subprocess.run([sys.executable, "-m", "checker", "validate"], cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("OK: call 2022")


@pytest.fixture
def copy(tmp_path):
    """A writable copy of policy_data (source and the 2022 call) and a function to edit one of its files."""
    shutil.copytree(POLICY_DIR / "source", tmp_path / "source")
    shutil.copytree(POLICY_DIR / "calls" / "2022", tmp_path / "calls" / "2022")
    folder = tmp_path / "calls" / "2022"

    def edit(name, old, new, count=1):
        path = folder / f"{name}.yaml"
        text = path.read_text(encoding="utf-8")
        assert old in text, f"fixture text {old!r} not in {name}.yaml"
        path.write_text(text.replace(old, new, count), encoding="utf-8")

    def problems():
        with pytest.raises(PolicyDataError) as caught:
            load_bundle(folder, root=tmp_path)
        return [str(p) for p in caught.value.problems]

    return edit, problems


def _line_of(path, needle):
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(needle)


def test_bad_yaml_syntax_names_file_and_line(copy, tmp_path):
    edit, problems = copy
    edit("call", "year: 2022", "year: [2022")
    found = problems()
    assert len(found) == 1
    assert "call.yaml:" in found[0] and "invalid YAML" in found[0]


def test_missing_english_twin(copy, tmp_path):
    edit, problems = copy
    edit("eligibility", '{zh: 企业, en: Enterprise}', '{zh: 企业}')
    line = _line_of(tmp_path / "calls/2022/eligibility.yaml", "{zh: 企业}")
    assert f"eligibility.yaml:{line}: applicant_kinds.items.0.label: missing English twin 'en'" in "\n".join(problems())


def test_unknown_key(copy):
    edit, problems = copy
    edit("call", "year: 2022", "year: 2022\nyaer: 2022")
    assert any("call.yaml:" in p and "(top): unknown key 'yaer'" in p for p in problems())


def test_call_id_differs_from_its_folder(copy, tmp_path):
    """A call folder copied for next year but still saying id "2022" would check answers against 2022's rules."""
    edit, problems = copy
    edit("call", 'id: "2022"', 'id: "2023"')
    line = _line_of(tmp_path / "calls/2022/call.yaml", 'id: "2023"')
    assert f"call.yaml:{line}: id: id '2023' is not the call folder's name '2022'" in "\n".join(problems())


def test_quote_not_in_notice(copy):
    edit, problems = copy
    edit("eligibility", "quote: 每个申报主体限申报 1 个项目}", "quote: 每个申报主体限申报 2 个项目}")
    found = "\n".join(problems())
    assert "eligibility.yaml:" in found
    assert "limits.projects_per_applicant.citation.quote: quote not found in the notice" in found


def test_direction_text_not_verbatim(copy):
    edit, problems = copy
    edit("directions", "推动数据高质量管理和高价值转化", "推动数据高质量管理")
    assert any("directions.0.needs.zh: Chinese text is not verbatim" in p for p in problems())


def test_duplicate_id(copy):
    edit, problems = copy
    edit("eligibility", "- id: research_institute", "- id: enterprise")
    assert any("applicant_kinds.items.1.id: duplicate id 'enterprise'" in p for p in problems())


@pytest.mark.parametrize("bad", ["0", "-3", "2.5", "five"])
def test_minimum_not_positive_integer(copy, bad):
    edit, problems = copy
    edit("directions", "value: 5", f"value: {bad}")
    found = "\n".join(problems())
    assert "directions.yaml:" in found and "directions.0.minimums.0.value:" in found
    assert "whole number" in found


def test_unknown_operator(copy):
    edit, problems = copy
    edit("rules", "{q: project_status, in: [under_construction, completed]}",
         "{q: project_status, among: [under_construction, completed]}")
    assert any("rules.yaml:" in p and ".require.among: unknown operator 'among'" in p for p in problems())


def test_unknown_question_in_rule(copy):
    edit, problems = copy
    edit("rules", "{q: own_ip, eq: \"yes\"}", "{q: own_ipp, eq: \"yes\"}")
    assert any(".require.q: unknown question 'own_ipp'" in p for p in problems())


def test_unknown_option_in_rule(copy):
    edit, problems = copy
    edit("rules", "in: [under_construction, completed]", "in: [under_construction, finished]")
    assert any("unknown option 'finished' of question 'project_status'" in p for p in problems())


def test_unknown_ref(copy):
    edit, problems = copy
    edit("rules", "ref: directions.directions.d4.minimums.scenarios}}", "ref: directions.directions.d4.minimums.scenes}}")
    assert any("unknown ref: no item with id 'scenes'" in p for p in problems())


def test_operator_on_wrong_kind(copy):
    edit, problems = copy
    edit("rules", "{q: own_ip, eq: \"yes\"}", "{q: own_ip, gte: 1}")
    assert any("operator 'gte' does not apply to tristate question 'own_ip'" in p for p in problems())


def test_duplicate_yaml_key(copy):
    edit, problems = copy
    edit("call", "year: 2022", "year: 2022\nyear: 2023")
    assert any("call.yaml:" in p and "duplicate key 'year'" in p for p in problems())


def test_validate_command_reports_without_traceback(copy, tmp_path):
    edit, _problems = copy
    edit("call", "year: 2022", "year: [2022")
    done = subprocess.run([sys.executable, "-m", "checker", "--call-dir", str(tmp_path / "calls/2022"), "validate"],
                          cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "call.yaml:" in done.stderr and "invalid YAML" in done.stderr


def test_second_call_from_yaml_alone():
    """A tiny second call, written only as YAML in tests/fixtures, loads and is assessed with no code change."""
    from checker.pipeline import assess
    from checker.ruleset import Ruleset

    ruleset = Ruleset(load_bundle(FIXTURES / "calls" / "mini", root=FIXTURES))
    assert ruleset.call["id"] == "mini"
    result = assess(ruleset, {"direction": "a1", "a1_cases": 1, "own_ip": "yes"}, "en")
    assert result["verdict"] == "not_eligible"
    assert [f["rule"] for f in result["findings"] if f["outcome"] == "fail"] == ["a1_cases"]
    result = assess(ruleset, {"direction": "a1", "a1_cases": 7, "a1_revenue": "600", "own_ip": "yes"}, "en")
    assert result["verdict"] == "eligible"


def test_glossary_term_translated_another_way(copy):
    edit, problems = copy
    edit("eligibility", 'en: "One project per applicant"', 'en: "One project per entity"')
    assert any("eligibility.yaml:" in p and "requirements.1.text.en: glossary: 申报主体 is always “applicant”" in p
               for p in problems())


def test_question_texts_take_facts_from_the_data():
    """The direction question's help counts the areas and directions, and the limits' help quotes their text, so
    next year's call says its own numbers without anyone editing the questions."""
    import yaml

    bundle = load_bundle(POLICY_DIR / "calls" / "2022")
    questions = {q["id"]: q for q in bundle["questions"]}
    areas = yaml.safe_load((POLICY_DIR / "calls" / "2022" / "directions.yaml").read_text(encoding="utf-8"))["areas"]
    help_ = questions["direction"]["help"]
    assert help_["zh"].startswith(f"{len(areas)} 大领域共 {len(bundle['directions'])} 个方向")
    assert help_["en"].startswith(f"There are {len(bundle['directions'])} directions in {len(areas)} areas")
    limits = yaml.safe_load((POLICY_DIR / "calls" / "2022" / "eligibility.yaml").read_text(encoding="utf-8"))["limits"]
    for qid, limit in (("directions_covered", "directions_per_project"), ("projects_filed", "projects_per_applicant")):
        for lang in ("zh", "en"):
            assert questions[qid]["help"][lang].startswith(limits[limit]["text"][lang]), (qid, lang)


def test_unknown_ref_in_a_question_text_names_its_place(copy):
    edit, problems = copy
    edit("questions", "{count:directions.areas}", "{count:directions.fields}")
    found = [p for p in problems() if "{count:directions.fields}" in p]
    assert found and "questions.yaml" in found[0] and "help" in found[0]


def test_count_of_something_that_is_not_a_list(copy):
    edit, problems = copy
    edit("questions", "{count:directions.areas}", "{count:eligibility.limits.directions_per_project.value}")
    assert any("does not lead to a list" in p for p in problems())


def test_the_screenings_ranking_must_lead_to_the_notices_words(copy):
    """rules.yaml `screening.ranking` is quoted with every order the screening offers: it must lead to a fact with
    text and citation (Notice III(2)'s 「名单按优先级排序」 in 2022)."""
    edit, problems = copy
    edit("rules", "ranking: {ref: eligibility.recommendation.ranking}",
         "ranking: {ref: eligibility.recommendation.quota_exemption.min_level}")
    assert any("screening.ranking: ref does not lead to a fact with text and citation" in p for p in problems())


@pytest.mark.parametrize("bad", ["[央企]", "{zh: 央企}", "{zh: []}", "{fr: [centrale]}", "{zh: [央企, 央企]}"])
def test_glossary_aliases_are_lists_of_names_per_language(copy, bad):
    edit, problems = copy
    edit("glossary", "aliases: {zh: [央企], en: [central SOE]}", f"aliases: {bad}")
    assert any("glossary.yaml:" in p and "aliases" in p for p in problems()), problems()


def test_the_direction_finders_kinds_of_project_lead_to_real_directions():
    """directions.yaml finder: every kind of project, in both languages, leads to directions the call has, and
    every direction can be reached from some kind (the finder never hides a direction for good)."""
    from checker.strings import LANGS

    found = []
    for folder in sorted((Path(__file__).resolve().parents[1] / "policy_data" / "calls").iterdir()):
        if not (folder / "directions.yaml").is_file():
            continue
        data = yaml.safe_load((folder / "directions.yaml").read_text("utf-8"))
        finder = data.get("finder")
        if finder is None:
            continue  # optional: the page asks for the notice's areas instead
        found.append(folder.name)
        ids = [d["id"] for d in data["directions"]]
        kinds = finder["kinds"]
        assert len({k["id"] for k in kinds}) == len(kinds)
        for kind in kinds:
            assert kind["directions"] and set(kind["directions"]) <= set(ids), (folder.name, kind["id"])
            assert all(kind["label"][lang].strip() for lang in LANGS)
        assert {d for k in kinds for d in k["directions"]} == set(ids), folder.name
        assert all(finder["reading"][lang].strip() for lang in LANGS)
    assert found, "no call has a direction finder in plain words"
