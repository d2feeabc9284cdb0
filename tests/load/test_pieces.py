"""A built CSV file read a piece at a time (pipeline.files.CsvPieces, for validating
a package of any size): every piece is the header and whole rows, the rows of all
pieces are the file's rows, and each piece knows the file's lines before it."""

from __future__ import annotations

import csv
import hashlib
import io

import pytest

from pipeline.files import CsvPieces

TEXTS = {
    "plain": "id,text\n1,a\n2,b\n3,c\n",
    "quoted line breaks": 'id,text\n1,"two\nlines"\n2,"say ""hi""\nthere"\n3,"a,b"\n',
    "CR LF and no final line break": 'id,text\r\n1,"x\r\ny"\r\n2,z\r\n3,last',
    "header alone": "id,text\n",
    "empty": "",
}


def records(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def line_breaks(text: str) -> int:
    return text.count("\n") + text.count("\r") - text.count("\r\n")


@pytest.mark.parametrize("name", TEXTS)
@pytest.mark.parametrize("size", [1, 3, 7, 64, 1 << 20])
def test_pieces_are_the_header_and_whole_rows(tmp_path, name, size):
    text = TEXTS[name]
    path = tmp_path / "data.csv"
    path.write_bytes(text.encode())
    pieces = CsvPieces(path, "data.csv", tmp_path, 1 << 20, size)

    rows, header = [], records(text)[:1]
    for data, skipped in pieces:
        piece = data.decode()
        assert records(piece)[:1] == header  # the header, then whole rows
        body = piece[len(text.splitlines(keepends=True)[0]) :] if text else ""
        assert text.find(body) >= 0
        head = text.splitlines(keepends=True)[0] if text else ""
        assert line_breaks(text[len(head) : text.find(body, len(head))]) == skipped
        rows += records(piece)[1:]
    assert rows == records(text)[1:]
    assert (pieces.size, pieces.sha256) == (len(text), hashlib.sha256(text.encode()).hexdigest())
