"""A cell that a spreadsheet would take for a formula is quoted, wherever a cell could begin."""

from __future__ import annotations

import pytest

from common.spreadsheets import neutralise

# What a spreadsheet takes for the start of a formula, full-width forms included.
TRIGGERS = tuple("=+-@\t\r＝＋－＠")

# Names an attacker might type, and names that must come out unchanged.
CORPUS = {
    "=1+1": "'=1+1",
    "+1": "'+1",
    "-1": "'-1",
    "@SUM(A1:A2)": "'@SUM(A1:A2)",
    "\t=1": "'\t'=1",
    "\r=1": "'\r'=1",
    "＝1+1": "'＝1+1",
    "＋1": "'＋1",
    "－1": "'－1",
    "＠SUM(A1)": "'＠SUM(A1)",
    "x;=1+1;y": "x;'=1+1;y",
    "x,+1,y": "x,'+1,y",
    'x;"=1+1"': 'x;"\'=1+1"',
    "x; -1": "x; '-1",
    "x\n=1+1": "x\n'=1+1",
    "x\r\n@SUM(A1)": "x\r\n'@SUM(A1)",
    '=HYPERLINK("http://evil","x")': '\'=HYPERLINK("http://evil","x")',
    "Ștefan Țăranu": "Ștefan Țăranu",
    "Pop-Ionescu": "Pop-Ionescu",
    "a=b; c+d": "a=b; c+d",
    "1-2": "1-2",
    "": "",
}


def starts_a_formula(cell: str) -> bool:
    return cell.lstrip(' "').startswith(TRIGGERS)


@pytest.mark.parametrize(("typed", "written"), CORPUS.items())
def test_neutralise_quotes_a_formula_wherever_a_cell_could_begin(typed: str, written: str) -> None:
    assert neutralise(typed) == written
