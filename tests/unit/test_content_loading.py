"""Content files: validated by the models, errors that name file, line and field, layered overrides."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from interviewer import paths
from interviewer.cli import main
from interviewer.content import ContentError, load_library

BUILTIN = paths.builtin_content_dir()


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def copy_persona(tmp_path: Path, **replace: str) -> Path:
    text = (BUILTIN / "personas" / "strict.yaml").read_text()
    for old, new in replace.items():
        assert old in text
        text = text.replace(old, new)
    return write(tmp_path / "content" / "personas" / "strict.yaml", text)


def test_builtin_content_loads_and_lints_clean(capsys):
    assert main(["check"]) == 0
    out = capsys.readouterr().out
    assert "0 error(s), 0 warning(s)" in out


def test_a_wrong_type_names_file_line_and_field(tmp_path):
    path = copy_persona(tmp_path, **{"follow_up_budget: 3": "follow_up_budget: lots"})
    with pytest.raises(ContentError) as caught:
        load_library(extra=[tmp_path / "content"])
    [problem] = caught.value.problems
    line = next(i for i, text in enumerate(path.read_text().splitlines(), 1) if "follow_up_budget" in text)
    assert str(problem).startswith(f"{path}:{line}: follow_up_budget: ")


def test_a_missing_field_points_at_the_enclosing_mapping(tmp_path):
    path = copy_persona(tmp_path, **{"hint_policy: never\n": ""})
    with pytest.raises(ContentError) as caught:
        load_library(extra=[tmp_path / "content"])
    assert [p.field for p in caught.value.problems] == ["hint_policy"]
    assert caught.value.problems[0].path == path
    assert caught.value.problems[0].line is not None


def test_a_nested_error_names_the_nested_field(tmp_path):
    copy_persona(tmp_path, **{"temperature: 0.4": "temperature: 9"})
    with pytest.raises(ContentError) as caught:
        load_library(extra=[tmp_path / "content"])
    assert caught.value.problems[0].field == "llm.temperature"


def test_a_typo_in_a_field_name_is_an_error(tmp_path):
    copy_persona(tmp_path, **{"praise: false": "prase: false"})
    with pytest.raises(ContentError) as caught:
        load_library(extra=[tmp_path / "content"])
    assert "prase" in {p.field for p in caught.value.problems}


def test_yaml_syntax_errors_give_the_line(tmp_path):
    path = write(tmp_path / "content" / "personas" / "bad.yaml", "id: bad\nname: [unclosed\ndescription: x\n")
    with pytest.raises(ContentError) as caught:
        load_library(extra=[tmp_path / "content"])
    [problem] = caught.value.problems
    assert problem.path == path
    assert problem.line is not None and problem.line >= 2
    assert "YAML syntax error" in problem.message


@pytest.mark.slow
def test_bad_content_exits_2_with_one_line_per_problem_and_no_traceback(tmp_path):
    copy_persona(tmp_path, **{"follow_up_budget: 3": "follow_up_budget: lots", "praise: false": "praise: maybe"})
    result = subprocess.run(
        [sys.executable, "-m", "interviewer", "--content", str(tmp_path / "content"), "questions"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 2
    assert all("strict.yaml:" in line for line in lines)
    assert "Traceback" not in result.stderr


def test_user_content_overrides_builtin_by_id(tmp_path, isolated_home):
    write(
        isolated_home / "personas" / "strict.yaml",
        (BUILTIN / "personas" / "strict.yaml").read_text().replace("follow_up_budget: 3", "follow_up_budget: 5"),
    )
    assert load_library().persona("strict").follow_up_budget == 5
    assert load_library(include_user=False).persona("strict").follow_up_budget == 3


def test_content_option_overrides_the_user_folder(tmp_path, isolated_home):
    text = (BUILTIN / "personas" / "strict.yaml").read_text()
    write(isolated_home / "personas" / "strict.yaml", text.replace("follow_up_budget: 3", "follow_up_budget: 5"))
    copy_persona(tmp_path, **{"follow_up_budget: 3": "follow_up_budget: 7"})
    assert load_library(extra=[tmp_path / "content"]).persona("strict").follow_up_budget == 7


def _rubric_copy(tmp_path: Path) -> Path:
    target = tmp_path / "content" / "rubrics" / "mine"
    shutil.copytree(BUILTIN / "rubrics" / "ds-round-1", target)
    return target


def test_check_reports_lint_problems_with_exit_2(tmp_path, capsys):
    folder = _rubric_copy(tmp_path)
    round_file = folder / "round.yaml"
    round_file.write_text(round_file.read_text().replace("id: ds-round-1", "id: my-round") + "  - no-such-question\n")
    question = folder / "ds1-dashboard-metrics.yaml"
    text = question.read_text().replace("id: ds1-dashboard-metrics", "id: my-question", 1)
    text = text.replace("weight: 0.35", "weight: 0.5")
    question.write_text(text)
    assert main(["check", str(tmp_path / "content")]) == 2
    out = capsys.readouterr().out
    assert "unknown question id 'no-such-question'" in out
    assert "criterion weights sum to 1.15, not 1" in out
    assert f"{round_file}:" in out


def test_check_reports_missing_levels_probes_and_duplicates(tmp_path, capsys):
    folder = _rubric_copy(tmp_path)
    question = folder / "ds1-dashboard-metrics.yaml"
    text = question.read_text()
    text = text.replace(
        "      5: Derives every metric from the objective and names the decision each one informs.\n", ""
    )
    question.write_text(text)
    write(folder / "copy.yaml", question.read_text())
    duplicate_round = folder / "round.yaml"
    duplicate_round.write_text(duplicate_round.read_text().replace("id: ds-round-1", "id: my-round"))
    assert main(["check", str(tmp_path / "content")]) == 2
    out = capsys.readouterr().out
    assert "missing level descriptors for [5]" in out
    assert "duplicate question id 'ds1-dashboard-metrics'" in out


def test_criterion_without_probes_is_an_error(tmp_path, capsys):
    folder = _rubric_copy(tmp_path)
    question = folder / "ds1-dashboard-metrics.yaml"
    lines = question.read_text().splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.strip() == "probes:")
    end = start + 1
    while lines[end].strip().startswith("- "):
        end += 1
    question.write_text("".join([*lines[:start], "    probes: []\n", *lines[end:]]))
    assert main(["check", str(question)]) == 2
    assert "criterion has no follow-up probes" in capsys.readouterr().out


def test_schema_command_writes_json_schema_for_each_kind(tmp_path, capsys):
    assert main(["schema", "--out", str(tmp_path / "schema")]) == 0
    written = sorted(p.name for p in (tmp_path / "schema").iterdir())
    assert written == ["persona.schema.json", "question.schema.json", "round.schema.json"]
    import json

    persona_schema = json.loads((tmp_path / "schema" / "persona.schema.json").read_text())
    assert "follow_up_budget" in persona_schema["properties"]
    assert persona_schema["additionalProperties"] is False


def test_rounds_are_listed_in_their_declared_order(builtin_library):
    assert list(builtin_library.rounds)[:2] == ["ds-round-1", "ds-round-2"]
    orders = [r.order for r in builtin_library.rounds.values()]
    assert orders == sorted(orders)


# --- limits on content files: size, nesting, alias expansion, duplicate keys -----------------------


def _alias_bomb(levels: int = 9) -> str:
    """A one-line sequence whose aliases expand to 10**levels nodes: a few hundred bytes on disk."""
    chain = ["&l0 [x, x, x, x, x, x, x, x, x, x]"]
    chain += [f"&l{i} [{', '.join([f'*l{i - 1}'] * 10)}]" for i in range(1, levels)]
    return f"[{', '.join(chain)}]"


def _question_with(tmp_path: Path, old: str, new: str) -> Path:
    text = (BUILTIN / "rubrics" / "ml-scientist" / "mls-jump-game.yaml").read_text()
    assert old in text
    return write(tmp_path / "content" / "rubrics" / "ml-scientist" / "mls-jump-game.yaml", text.replace(old, new, 1))


def _only_problem(tmp_path: Path):
    with pytest.raises(ContentError) as caught:
        load_library(extra=[tmp_path / "content"])
    [problem] = caught.value.problems
    return problem


def test_an_alias_bomb_in_a_fixture_is_refused_with_its_line(tmp_path, capsys):
    path = _question_with(tmp_path, "expected: true", f"expected: {_alias_bomb()}")
    line = next(i for i, text in enumerate(path.read_text().splitlines(), 1) if "&l0" in text)
    problem = _only_problem(tmp_path)
    assert (problem.path, problem.line) == (path, line)
    assert "values once aliases are expanded" in problem.message
    assert problem.field is not None and problem.field.startswith("execution.python.cases[0].expected")
    assert main(["check", str(tmp_path / "content")]) == 2
    assert f"{path}:{line}: {problem.field}: more than" in capsys.readouterr().out


def test_an_alias_bomb_over_several_lines_names_the_line_and_key_of_the_anchor(tmp_path, capsys):
    # l0 to l6 on lines of their own, at the end of a question file; l4 is the first that expands past the limit
    levels = [f"  l{i}: &l{i} [{', '.join([f'*l{i - 1}' if i else 'x'] * 10)}]" for i in range(7)]
    path = _question_with(tmp_path, "expected: true", "expected: true")
    path.write_text(path.read_text() + "bomb:\n" + "\n".join(levels) + "\n")
    line = next(i for i, text in enumerate(path.read_text().splitlines(), 1) if "l4: &l4" in text)
    problem = _only_problem(tmp_path)
    assert (problem.line, problem.field) == (line, "bomb.l4")
    assert main(["check", str(tmp_path / "content")]) == 2
    assert f"{path}:{line}: bomb.l4: more than" in capsys.readouterr().out


def test_a_few_aliases_are_still_fine(tmp_path):
    _question_with(tmp_path, "expected: true", "expected: &yes true\n        hidden: *yes")
    assert "mls-jump-game" in load_library(extra=[tmp_path / "content"]).questions


def test_deep_nesting_is_refused_without_recursion(tmp_path):
    depth = 100_000
    path = _question_with(tmp_path, "expected: true", f"expected: {'[' * depth}{']' * depth}")
    problem = _only_problem(tmp_path)
    assert problem.path == path and problem.line is not None
    assert "nested more than" in problem.message


def test_nesting_built_from_aliases_counts_as_nesting(tmp_path):
    chain = ", ".join(["&a0 [x]", *(f"&a{i} [*a{i - 1}]" for i in range(1, 100))])
    _question_with(tmp_path, "expected: true", f"expected: [{chain}]")
    assert "nested more than" in _only_problem(tmp_path).message


def test_an_alias_inside_its_own_anchor_is_refused(tmp_path):
    _question_with(tmp_path, "expected: true", "expected: &loop [1, *loop]")
    problem = _only_problem(tmp_path)
    assert problem.message == "an alias refers to a node that contains it"
    assert problem.field == "execution.python.cases[0].expected[1]"


def test_a_duplicate_key_names_file_line_and_field(tmp_path):
    path = copy_persona(tmp_path, **{"follow_up_budget: 3": "follow_up_budget: 3\nfollow_up_budget: 9"})
    line = [i for i, text in enumerate(path.read_text().splitlines(), 1) if "follow_up_budget" in text][1]
    problem = _only_problem(tmp_path)
    assert str(problem) == (
        f"{path}:{line}: follow_up_budget: duplicate key 'follow_up_budget' (first given on line {line - 1})"
    )


def test_a_nested_duplicate_key_names_the_nested_field(tmp_path):
    copy_persona(tmp_path, **{"temperature: 0.4": "temperature: 0.4\n  temperature: 0.9"})
    assert _only_problem(tmp_path).field == "llm.temperature"


def test_an_oversized_file_is_refused_without_being_parsed(tmp_path):
    copy_persona(tmp_path, **{"praise: false": f"praise: false\n# {'x' * 600_000}"})
    assert "larger than the limit" in _only_problem(tmp_path).message


def test_a_number_python_will_not_build_is_a_problem_not_a_traceback(tmp_path):
    copy_persona(tmp_path, **{"follow_up_budget: 3": f"follow_up_budget: {'9' * 5000}"})
    assert "unusable value" in _only_problem(tmp_path).message


@pytest.mark.slow
@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("expected: true", f"expected: {_alias_bomb()}"),
        ("expected: true", f"expected: {'[' * 100_000}{']' * 100_000}"),
        ("expected: true", "expected: true\n        expected: false"),
    ],
    ids=["alias-bomb", "deep-nesting", "duplicate-key"],
)
@pytest.mark.parametrize("command", [["check"], ["score", "--question", "mls-jump-game", "--answer", "x"]])
def test_check_and_score_exit_2_with_one_line_and_no_traceback(tmp_path, old, new, command):
    path = _question_with(tmp_path, old, new)
    result = subprocess.run(
        [sys.executable, "-m", "interviewer", "--content", str(tmp_path / "content"), *command],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    output = result.stdout + result.stderr
    assert "Traceback" not in output and "MemoryError" not in output
    assert [line for line in output.splitlines() if str(path) in line] != []
