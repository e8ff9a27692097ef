"""Tables leave as CSV or XLSX with no cell a spreadsheet would run, whatever pandas dtype holds the text."""

import csv
import io
import zipfile

import openpyxl
import pandas as pd
import pytest

from research.spreadsheets import FORMULA_START, csv_zip, inert, rewrite_csv, to_csv, to_xlsx, typed

ATTACKS = ['=HYPERLINK("http://127.0.0.1:9/?"&A1,"Click")', "+1+1", "-2+3", "@SUM(1,1)", "\t=1", "\r=1",
           "\uff1d1+1"]
TEXT_DTYPES = ["object", "string", "string[python]", "category"]
try:
    import pyarrow  # noqa: F401
    TEXT_DTYPES.append("string[pyarrow]")
except ImportError:  # pragma: no cover - pyarrow is optional for pandas 2
    pass


def frame_of(dtype: str) -> pd.DataFrame:
    return pd.DataFrame({"quote": pd.Series(ATTACKS + ["fine", None], dtype=dtype),
                         "score": range(len(ATTACKS) + 2)})


def runnable(cells) -> list[str]:
    return [c for c in cells if isinstance(c, str) and c.startswith(FORMULA_START)]


def test_pandas_string_dtype_is_made_inert():
    # pandas 3 makes this column "str" by itself; dtype="string" shows the same on pandas 2
    out = inert(pd.DataFrame({"a": pd.Series(["=1+1"], dtype="string")}))
    assert out["a"].tolist() == ["'=1+1"]


@pytest.mark.parametrize("dtype", TEXT_DTYPES)
def test_no_cell_of_any_text_dtype_can_run(dtype):
    out = inert(frame_of(dtype))
    assert runnable(out["quote"]) == []
    assert out["quote"].iloc[0] == "'" + ATTACKS[0]  # the text is still there to read
    assert out["quote"].iloc[len(ATTACKS)] == "fine"
    assert out["score"].tolist() == list(range(len(ATTACKS) + 2))  # numbers untouched, even negative ones


def test_headers_and_row_names_are_inert_too():
    frame = pd.DataFrame({"=cmd": ["x"]}, index=pd.Index(["@row"], name="-name"))
    out = inert(frame, index=True)
    assert list(out.columns) == ["'-name", "'=cmd"]
    assert out.iloc[0].tolist() == ["'@row", "x"]


@pytest.mark.parametrize("dtype", TEXT_DTYPES)
def test_csv_read_back_has_no_formula(dtype):
    rows = list(csv.reader(io.StringIO(to_csv(frame_of(dtype)).decode("utf-8"), newline="")))
    assert rows[0] == ["quote", "score"]
    assert runnable(cell for row in rows for cell in row) == []
    assert [typed(row[0]) for row in rows[1:len(ATTACKS) + 1]] == ATTACKS  # nothing typed is lost


@pytest.mark.parametrize("dtype", TEXT_DTYPES)
def test_xlsx_has_no_formula_cells(dtype):
    data = to_xlsx({"Quotes": frame_of(dtype), "Other": pd.DataFrame({"=h": ["=1"], "n": [-3]})})
    book = openpyxl.load_workbook(io.BytesIO(data))
    cells = [cell for sheet in book for row in sheet.iter_rows() for cell in row]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    assert runnable(c.value for c in cells) == []
    assert book["Other"]["B2"].value == -3  # numbers stay numbers
    assert book["Quotes"]["A2"].value == "'" + ATTACKS[0]


def test_xlsx_survives_control_characters_and_time_zones():
    frame = pd.DataFrame({"text": ["bell\x07 here"], "at": pd.to_datetime(["2026-12-02 10:00"]).tz_localize("UTC")})
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx({"S": frame})))
    assert book["S"]["A2"].value == "bell here"
    assert book["S"]["B2"].value.hour == 10


def test_a_csv_written_elsewhere_is_rewritten_inert():
    data = b'key,name\nk1,"=HYPERLINK(""http://x"")"\nk2,"multi\nline"\n'
    rows = list(csv.reader(io.StringIO(rewrite_csv(data).decode("utf-8"), newline="")))
    assert rows == [["key", "name"], ["k1", "'=HYPERLINK(\"http://x\")"], ["k2", "multi\nline"]]


def test_zip_holds_one_inert_csv_per_table():
    with zipfile.ZipFile(io.BytesIO(csv_zip({"actions": frame_of("string")}))) as archive:
        assert archive.namelist() == ["actions.csv"]
        text = archive.read("actions.csv").decode("utf-8")
    assert runnable(cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row) == []


def test_a_line_break_inside_a_cell_cannot_start_a_formula_row():
    frame = pd.DataFrame({"quote": pd.Series(["fine\r=1+1", "fine\n@SUM(1)"], dtype="string"), "n": [1, 2]})
    rows = list(csv.reader(io.StringIO(to_csv(frame).decode("utf-8"), newline="")))
    assert rows == [["quote", "n"], ["fine\r=1+1", "1"], ["fine\n@SUM(1)", "2"]]
