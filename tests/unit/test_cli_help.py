"""The command's own help: `--version`, and a description at the top of every subcommand's `--help`."""

from __future__ import annotations

import argparse
from importlib import metadata

import pytest

from replyflow.cli import build_parser, main


def subcommands(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()):
    """(the words that name it, its parser) for every subcommand, nested ones included."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, subparser in action.choices.items():
                yield (*path, name), subparser
                yield from subcommands(subparser, (*path, name))


def test_version(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.strip() == f"replyflow {metadata.version('replyflow')}"


def test_every_subcommand_describes_itself_in_its_help(capsys):
    found = list(subcommands(build_parser()))
    assert {"check", "run", "status", "dlq replay"} <= {" ".join(path) for path, _ in found}
    for path, subparser in found:
        assert subparser.description, path
        with pytest.raises(SystemExit):
            main([*path, "--help"])
        help_text = capsys.readouterr().out
        # The description opens the help, right after the usage lines.
        assert help_text.split("\n\n")[1].replace("\n", " ").startswith(subparser.description[:30]), path
