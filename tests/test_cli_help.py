"""The command grammar documents itself: every command and sub-command, down the whole parser tree, has help
in its parent's listing, every argument says what it is, and `--help` works on each command path."""

from __future__ import annotations

import argparse

import pytest

from desktop.cli import build_parser, main


def _walk(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()):
    """(path, parser) for every command and sub-command, the top first."""
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                yield from _walk(child, (*path, name))


def _listed_help(parser: argparse.ArgumentParser) -> dict[str, str | None]:
    """The help each sub-command shows in this parser's listing."""
    return {
        choice.dest: choice.help
        for action in parser._actions
        if isinstance(action, argparse._SubParsersAction)
        for choice in action._choices_actions
    }


PATHS = [path for path, _parser in _walk(build_parser())]


def test_the_tree_is_whole():
    assert len(PATHS) > 100
    for wanted in [
        ("fund", "pay"),
        ("print", "notice", "households"),
        ("print", "pledge"),
        ("stock", "loss"),
    ]:
        assert wanted in PATHS


def test_every_command_and_argument_has_help():
    missing = []
    for path, parser in _walk(build_parser()):
        children = {
            name
            for action in parser._actions
            if isinstance(action, argparse._SubParsersAction)
            for name in action.choices
        }
        listed = _listed_help(parser)
        missing += [
            f"{' '.join((*path, name))}: no help in the listing" for name in children if not listed.get(name)
        ]
        for action in parser._actions:
            if isinstance(action, argparse._HelpAction | argparse._SubParsersAction):
                continue
            if not action.help or action.help == argparse.SUPPRESS:
                name = "/".join(action.option_strings) or action.dest
                missing.append(f"{' '.join(path) or '(top)'} {name}: no help")
    assert missing == []


def test_help_works_on_every_command_path(capsys):
    parser = build_parser()  # one for all (main builds one per call): the same tree, parsed as main does
    for path in PATHS:
        with pytest.raises(SystemExit) as done:
            parser.parse_args([*path, "--help"])
        assert done.value.code == 0, path
        shown = capsys.readouterr().out
        assert shown.startswith("usage: python -m desktop"), path
        assert " ".join(("python -m desktop", *path)) in shown, path


def test_fund_pay_help_shows_what_pay_takes_and_no_other_verbs_options(capsys):
    with pytest.raises(SystemExit) as done:
        main(["fund", "pay", "--help"])
    assert done.value.code == 0
    shown = capsys.readouterr().out
    for option in ("--village", "--month", "--method"):
        assert option in shown
    for other in ("--supporter", "--amount", "--donor", "--entry", "--set-scope", "--finding", "--months"):
        assert other not in shown


def test_a_missing_required_argument_is_input_rejected(capsys):
    # argparse's own refusals answer like the services' ones: exit 2, and a JSON object with --json
    assert main(["--json", "fund", "pay", "--village", "某村"]) == 2
    assert "--month" in capsys.readouterr().out
    assert main(["fund", "nonsense"]) == 2
    assert "nonsense" in capsys.readouterr().err
