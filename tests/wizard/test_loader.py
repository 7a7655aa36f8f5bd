"""The roadmap files load, meet the brief, and every kind of mistake gets a clear message."""

import json
import shutil
from pathlib import Path

import pytest
import yaml

from app.cli import main as cli
from app.core.paths import ROADMAP_DIR
from app.main import create_app
from app.wizard.definition import QuestionType
from app.wizard.loader import InvalidRoadmap, editor_schemas, load_roadmap
from tests.conftest import make_settings

DIMENSIONS = [
    "business-scope",
    "governance",
    "legal-issues",
    "information-sharing",
    "identity-management",
    "federation",
    "transactions-events-messages",
    "infrastructure",
    "sustainability",
]


def test_the_roadmap_in_the_repository_meets_the_brief() -> None:
    roadmap = load_roadmap(ROADMAP_DIR)
    assert [s.key for s in roadmap.stages] == ["day1-funding", *DIMENSIONS]
    assert [s.number for s in roadmap.stages] == list(range(10))
    used = set()
    for stage in roadmap.stages:
        assert len([q for q in stage.questions if q.scope == "shared"]) >= 6, stage.key
        assert len(stage.statements) >= 4, stage.key
        assert stage.purpose
        assert stage.guidance
        for statement in stage.statements:
            assert sorted(statement.levels) == [0, 1, 2, 3, 4]
            assert statement.evidence
            assert statement.weight > 0
        used |= {q.type for q in stage.questions}
    assert used == set(QuestionType)


def test_the_editor_schemas_in_the_repository_are_current() -> None:
    for name, schema in editor_schemas().items():
        stored = json.loads((ROADMAP_DIR / "schema" / name).read_text())
        assert stored == schema, f"run `roadmap roadmap schema` to refresh roadmap/schema/{name}"


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    """A copy of the real roadmap to break."""
    target = tmp_path / "roadmap"
    shutil.copytree(ROADMAP_DIR, target)
    return target


def _edit(path: Path, change: object) -> None:
    data = yaml.safe_load(path.read_text())
    change(data)  # type: ignore[operator]
    path.write_text(yaml.safe_dump(data, sort_keys=False))


def _errors(directory: Path) -> list[str]:
    with pytest.raises(InvalidRoadmap) as caught:
        load_roadmap(directory)
    return [str(e) for e in caught.value.errors]


def test_yaml_syntax_error_names_the_line(copy: Path) -> None:
    (copy / "stages" / "governance.yaml").write_text("key: governance\ntitle: [unclosed\n")
    [error] = _errors(copy)
    assert error.startswith("stages/governance.yaml: line 3")
    assert "not valid YAML" in error


def test_unknown_field_is_named_with_its_path(copy: Path) -> None:
    _edit(copy / "stages" / "governance.yaml", lambda d: d["questions"][1].update(colour="red"))
    assert _errors(copy) == [
        "stages/governance.yaml: questions[1].colour: Extra inputs are not permitted"
    ]


def test_wrong_type_and_missing_field(copy: Path) -> None:
    def change(d: dict) -> None:  # type: ignore[type-arg]
        d["questions"][0]["type"] = "essay"
        del d["statements"][2]["evidence"]

    _edit(copy / "stages" / "legal-issues.yaml", change)
    errors = _errors(copy)
    assert any(
        e.startswith("stages/legal-issues.yaml: questions[0].type: Input should be") for e in errors
    )
    assert "stages/legal-issues.yaml: statements[2].evidence: Field required" in errors


def test_choice_question_without_options(copy: Path) -> None:
    def change(d: dict) -> None:  # type: ignore[type-arg]
        question = next(q for q in d["questions"] if q["type"] == "single_choice")
        question["options"] = []

    _edit(copy / "stages" / "governance.yaml", change)
    [error] = _errors(copy)
    assert "needs at least two options" in error
    assert error.startswith("stages/governance.yaml: questions[")


def test_too_few_questions_and_statements(copy: Path) -> None:
    def fewer_questions(d: dict) -> None:  # type: ignore[type-arg]
        d["questions"] = d["questions"][:2]

    _edit(copy / "stages" / "federation.yaml", fewer_questions)
    _edit(copy / "stages" / "governance.yaml", lambda d: d.update(statements=d["statements"][:1]))
    errors = _errors(copy)
    assert any("at least six shared questions" in e for e in errors)
    assert any("at least four readiness statements" in e for e in errors)


def test_missing_levels_and_duplicate_keys(copy: Path) -> None:
    _edit(copy / "stages" / "sustainability.yaml", lambda d: d["statements"][0]["levels"].pop(4))
    _edit(
        copy / "stages" / "federation.yaml",
        lambda d: d["questions"][1].update(key=d["questions"][0]["key"]),
    )
    errors = _errors(copy)
    assert (
        "stages/sustainability.yaml: statements[0]: levels must describe exactly the scores "
        "0, 1, 2, 3 and 4" in errors
    )
    assert any(
        e.startswith("stages/federation.yaml: question and statement keys must be unique")
        for e in errors
    )


def test_missing_and_unlisted_stage_files(copy: Path) -> None:
    (copy / "stages" / "federation.yaml").rename(copy / "stages" / "federated.yaml")
    errors = _errors(copy)
    assert "stages/federation.yaml: file not found" in errors
    assert "stages/federated.yaml: not listed in roadmap.yaml" in errors


def test_hint_pointing_nowhere(copy: Path) -> None:
    path = next(
        p for p in (copy / "stages").glob("*.yaml") if yaml.safe_load(p.read_text()).get("hints")
    )
    _edit(path, lambda d: d["hints"][0].update(then_question="no-such-question"))
    [error] = _errors(copy)
    assert "hints[0].then_question" in error
    assert "no-such-question" in error


def test_hint_on_a_yes_no_question_with_a_value_it_cannot_have(copy: Path) -> None:
    path = copy / "stages" / "identity-management.yaml"
    _edit(
        path,
        lambda d: next(h for h in d["hints"] if h["if_question"] == "citizen-sign-in").update(
            if_values=["Yes"]
        ),
    )
    [error] = _errors(copy)
    assert "if_values" in error
    assert "'Yes' is not an option" in error


def test_bad_version_in_the_index(copy: Path) -> None:
    _edit(copy / "roadmap.yaml", lambda d: d.update(version="one"))
    [error] = _errors(copy)
    assert error.startswith("roadmap.yaml: version: String should match pattern")


def test_roadmap_check_prints_each_error_with_file_and_path(
    copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _edit(copy / "stages" / "governance.yaml", lambda d: d["questions"][1].update(colour="red"))
    assert cli(["roadmap", "check", str(copy)]) == 1
    out = capsys.readouterr().out
    assert (
        f"{copy}/stages/governance.yaml: questions[1].colour: Extra inputs are not permitted" in out
    )


def test_roadmap_check_passes_on_the_real_roadmap(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(["roadmap", "check", str(ROADMAP_DIR)]) == 0
    assert "is valid: 10 stages" in capsys.readouterr().out


def test_the_service_refuses_to_start_on_an_invalid_roadmap(copy: Path, database_url: str) -> None:
    _edit(copy / "stages" / "governance.yaml", lambda d: d["questions"][1].update(colour="red"))
    with pytest.raises(InvalidRoadmap, match=r"governance.yaml: questions\[1\].colour"):
        create_app(make_settings(database_url, roadmap_dir=copy))


def test_rule_pointing_at_a_missing_question_in_another_stage(copy: Path) -> None:
    path = copy / "stages" / "day1-funding.yaml"
    _edit(
        path,
        lambda d: next(
            h for h in d["hints"] if h["key"] == "notice-period-needs-exit-provisions"
        ).update(then_question="exit-clauses"),
    )
    [error] = _errors(copy)
    assert error.startswith("stages/day1-funding.yaml: hints[1].then_question")
    assert "stage 'legal-issues' has no shared question 'exit-clauses'" in error


def test_rule_requiring_a_value_the_other_question_cannot_have(copy: Path) -> None:
    path = copy / "stages" / "governance.yaml"
    _edit(path, lambda d: d["hints"][0].update(then_values=["limited-company"]))
    [error] = _errors(copy)
    assert "hints[0].then_values" in error
    assert "'limited-company' is not an option of 'legal-vehicle'" in error


def test_rule_comparing_a_number_with_a_text_answer(copy: Path) -> None:
    path = copy / "stages" / "transactions-events-messages.yaml"
    _edit(path, lambda d: d["hints"][1].update(then_question="error-handling"))
    [error] = _errors(copy)
    assert "hints[1].then_question" in error
    assert "'error-handling' is a long_text question" in error


def test_rule_mixing_values_and_not_values(copy: Path) -> None:
    path = copy / "stages" / "identity-management.yaml"
    _edit(path, lambda d: d["hints"][0].update(then_values=["completed"]))
    [error] = _errors(copy)
    assert "then_values or then_not_values, not both" in error


def test_rule_keys_are_unique_across_the_roadmap(copy: Path) -> None:
    path = copy / "stages" / "federation.yaml"
    _edit(path, lambda d: d["hints"][0].update(key="company-needs-vehicle"))
    errors = _errors(copy)
    assert any("'company-needs-vehicle' is also used in" in e for e in errors)


def test_rule_on_a_partner_question(copy: Path) -> None:
    path = copy / "stages" / "sustainability.yaml"
    _edit(path, lambda d: d["hints"][0].update(if_question="partner-pilot-volunteer"))
    [error] = _errors(copy)
    assert "no shared question 'partner-pilot-volunteer'" in error
