"""The one CSV reader: each hostile or malformed file is refused with one line naming what and where."""

import csv
import io
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from research.csv_input import CsvInputError, read_csv, read_csv_file, read_csv_rows, require_columns


def refusal(data: bytes, **options) -> str:
    with pytest.raises(CsvInputError) as caught:
        read_csv(data, **options)
    message = str(caught.value)
    assert "\n" not in message
    return message


@pytest.mark.parametrize(("data", "message"), [
    (b"", "The CSV file is empty; there is nothing to read."),
    (b" \r\n\t\n", "The CSV file is empty (it holds only blank space); there is nothing to read."),
    (b"\xef\xbb\xbf\n", "The CSV file is empty (it holds only blank space); there is nothing to read."),
    (b",,\n , \n", "The CSV file holds only separators and blank cells; there is nothing to read."),
    (b"code,notes\n\n,\n", "The CSV file has a header but no rows."),
])
def test_empty_files_say_so(data, message):
    assert refusal(data) == message


def test_a_file_at_the_size_limit_is_refused_before_it_is_decoded():
    assert refusal(b"\xff" * 2048, max_bytes=2048) == "The CSV file is 0.0 MB; files must be smaller than 2 kB."
    assert refusal(b"a\n" * (2 * 2**20), max_bytes=2**22, what="upload") == \
        "The upload is 4.0 MB; files must be smaller than 4 MB."
    assert read_csv(b"a\n1\n", max_bytes=5).rows == [["1"]]  # one byte under is fine


@pytest.mark.parametrize(("data", "encoding"), [
    ("name,team\nZoë,Chat\n".encode("utf-16"), "UTF-16"),  # with its BOM, as Notepad saves "Unicode"
    ("name,team\nZoë,Chat\n".encode("utf-16-le"), "UTF-16"),  # no BOM: a NUL in every other byte
    ("name,team\nZoë,Chat\n".encode("utf-16-be"), "UTF-16"),
    ("name,team\n".encode("utf-32"), "UTF-32"),
])
def test_wide_encodings_are_named_not_called_binary(data, encoding):
    assert refusal(data, what="roster") == \
        f'The roster is saved as {encoding}, not UTF-8; save it as UTF-8 ("CSV UTF-8" in Excel) and try again.'


def test_utf_8_is_read_with_or_without_a_bom():
    text = "name,team\nZoë Brontë,Chat\n"
    assert read_csv(text.encode()).records() == read_csv(b"\xef\xbb\xbf" + text.encode()).records() == [
        {"name": "Zoë Brontë", "team": "Chat"}]


def test_latin_1_is_refused_naming_line_column_byte_and_likely_encoding():
    data = "code,notes\nP1,fine\nP2,café\n".encode("latin-1")
    assert refusal(data) == (
        'Line 3 of the CSV file is not UTF-8 text (byte 0xE9 in column 2 ("notes")), and looks like Windows-1252 '
        'or Latin-1 (what Excel saves as plain "CSV"); save it as UTF-8 ("CSV UTF-8" in Excel) and try again.')


def test_bytes_no_common_encoding_explains_get_no_guess():
    assert refusal(b"code;notes\r\nP1;ok\r\nP2;\x81\x8d\r\n") == (
        'Line 3 of the CSV file is not UTF-8 text (byte 0x81 in column 2 ("notes")); save it as UTF-8 '
        '("CSV UTF-8" in Excel) and try again.')


def test_a_nul_byte_anywhere_is_found_with_its_line_and_column():
    data = b"code,notes\n" + b"P1,fine\n" * 2000 + b'P2,"a,b",x\x00y\n'  # far past the first 8 kB
    assert refusal(data, what="codebook file") == (
        "Line 2002 of the codebook file holds a NUL byte in column 3, so it is a binary file, not CSV text; "
        "export it again as CSV.")
    assert refusal(b"\x89PNG\r\n\x1a\n\x00\x00").startswith("Line 3 of the CSV file holds a NUL byte in column 1,")


@pytest.mark.parametrize(("data", "delimiter"), [
    (b"code;notes;when\nP1;a, b;2024\n", ";"),
    (b"code\tnotes\nP1\ta; b, c\n", "\t"),
    (b"code,notes;x\nP1,a;b\n", ","),  # a tie goes to the comma
    (b"\n\ncode;notes\nP1;x\n", ";"),  # the header is the first non-blank line
])
def test_the_delimiter_is_the_one_the_header_uses_most(data, delimiter):
    table = read_csv(data)
    assert table.delimiter == delimiter and len(table.columns) == len(table.rows[0])


def test_a_file_this_project_wrote_can_be_read_as_comma_separated_only():
    assert read_csv(b"a;b,c\n1;2,3\n", delimiters=",").columns == ("a;b", "c")


def test_header_names_are_stripped_and_a_blank_one_is_named_by_its_position():
    table = read_csv(b" code ,,notes,\nP1,x,hi,\n")
    assert table.columns == ("code", "column 2", "notes", "column 4")
    assert table.records() == [{"code": "P1", "column 2": "x", "notes": "hi", "column 4": ""}]


@pytest.mark.parametrize(("data", "message"), [
    (b"code,notes,code\nP1,x,y\n", "Line 1 of the CSV file names 'code' more than once (columns 1 and 3); "
                                   "every column needs its own name."),
    (b"\nName,name\nP1,x\n", "Line 2 of the CSV file names 'name' more than once (columns 1 and 2); "
                             "every column needs its own name."),
    (b",column 1\nx,y\n", "Line 1 of the CSV file names 'column 1' more than once (columns 1 and 2); "
                          "every column needs its own name."),
])
def test_a_repeated_column_name_is_refused_in_any_case(data, message):
    assert refusal(data) == message


def test_blank_lines_and_multi_line_cells_keep_line_numbers_right():
    table = read_csv(b'code,notes\r\n\r\nP1,"two\r\nlines"\r\n,\r\nP2,x\r\n')
    assert table.lines == [3, 6] and table.rows == [["P1", "two\r\nlines"], ["P2", "x"]]


def test_a_short_row_is_padded_and_trailing_empty_cells_are_dropped():
    assert read_csv(b"a,b,c\n1\n2,3,4,,\n").rows == [["1", "", ""], ["2", "3", "4"]]


def test_text_beyond_the_header_is_refused_naming_where_it_starts():
    assert refusal(b"code;notes\nP1;fine\nP2;too;many;cells\n") == (
        "Line 3 of the CSV file has 4 cells but the header has 2 (text in column 3); put quotes around cells that "
        "contain a semicolon.")


def test_quoting_mistakes_name_the_line_and_column():
    assert refusal(b'code,notes\nP1,"ok ""quoted"" text"\nP2,"never closed\nP3,x\n') == (
        'Line 3 of the CSV file opens a quote in column 2 ("notes") that is never closed; add the closing quote or '
        "remove the opening one.")
    assert refusal(b'code,notes,when\nP1,"closed" then more,2024\n') == (
        'Line 2 of the CSV file has text after the closing quote of a cell in column 2 ("notes"); quote the whole '
        'cell and write each quote inside it twice ("").')


def test_a_cell_over_the_limit_is_refused_with_its_column_and_the_callers_hint():
    data = b'key,name\nq,"' + b"x" * 5000 + b'"\n'
    assert refusal(data, what="codebook file", max_cell=4096, cell_hint="; a cell holds a name.") == \
        'Line 2 of the codebook file has a cell longer than 4 kB in column 2 ("name"); a cell holds a name.'
    assert refusal(b"a\n" + b"y" * (2**20 + 1) + b"\n", max_cell=2**20).startswith(
        'Line 2 of the CSV file has a cell longer than 1 MB in column 1 ("a")')


def test_cells_longer_than_the_csv_modules_own_limit_are_ours_to_judge():
    long_cell = "z" * (200 * 1024)
    assert read_csv(f"a,b\n1,{long_cell}\n".encode(), max_cell=300 * 1024).rows == [["1", long_cell]]


def test_the_row_limit_names_the_first_row_too_many():
    assert len(read_csv(b"a\n1\n\n2\n3\n", max_rows=3).rows) == 3
    assert refusal(b"a\n1\n\n2\n3\n4\n", max_rows=3) == \
        "The CSV file has more than 3 rows (line 6 is one too many); split it into smaller files."


def test_without_a_header_rows_are_kept_as_written():
    table = read_csv(b"Ann Lee\n\nLee, Sam,x\n", header=False)
    assert (table.columns, table.rows, table.lines) == ((), [["Ann Lee"], ["Lee", " Sam", "x"]], [1, 3])


def test_files_named_on_the_command_line(tmp_path):
    path = tmp_path / "in.csv"
    with pytest.raises(CsvInputError, match=re.escape(f"{path}: no such file")):
        read_csv_file(path)
    path.write_bytes(b"ref,comment\n1,hi\n")
    assert read_csv_rows(path) == [{"ref": "1", "comment": "hi"}]
    with pytest.raises(CsvInputError, match=re.escape(f"The file {path} is 0.0 MB; files must be smaller than 0 kB")):
        read_csv_file(path, max_bytes=10)  # refused from its size on disk, before it is read
    with pytest.raises(CsvInputError, match=re.escape(f"{path}: no column 'text'; the columns are ref, comment")):
        require_columns(path, read_csv_rows(path), "comment", "text")


cells = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(st.characters(whitelist_categories=("L", "N")), min_size=1, max_size=8), min_size=1,
                max_size=5, unique_by=str.casefold),
       st.lists(st.lists(cells, min_size=5, max_size=5), min_size=1, max_size=8), st.sampled_from(",;\t"))
def test_whatever_a_csv_writer_wrote_reads_back(header, body, delimiter):
    rows = [row[: len(header)] for row in body if any(cell.strip() for cell in row[: len(header)])]
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows([header, *rows])
    if not rows:
        with pytest.raises(CsvInputError, match="has a header but no rows"):
            read_csv(out.getvalue().encode(), delimiters=delimiter)
        return
    table = read_csv(out.getvalue().encode(), delimiters=delimiter)
    assert table.columns == tuple(header) and table.rows == rows
