"""Uploads are parsed in a child process that a zip bomb, a memory hog or a slow file cannot take down the server with.

The bombs are built at test time (tests/upload_bombs.py): a megabyte or two that claims (and really
inflates to) hundreds of megabytes, written in chunks so the tests stay small.
"""

import io
import random
import threading
import time
import zipfile

import pytest
from upload_bombs import MIB, docx_bomb, qdpx_deeply_nested, word_file

from interviews.sandbox import Limits, check_zip, parse_upload
from interviews.transcripts import parse_transcript, read_csv_table
from research.errors import FrontlineError


@pytest.fixture(scope="module")
def bomb():
    return docx_bomb(451)


def test_the_451_mb_docx_bomb_is_refused_unopened_within_ten_seconds(bomb):
    assert len(bomb) < 2 * MIB
    started = time.monotonic()
    with pytest.raises(FrontlineError) as refused:
        parse_upload("transcript", "C:\\Users\\kim\\bomb.docx", bomb)
    assert time.monotonic() - started <= 10
    message = str(refused.value)
    assert message.startswith('"bomb.docx" would unpack to 451.8 MB from 1.6 MB')  # the bomb, to scale
    assert "over the 100 MB allowed" in message and "refused unopened" in message
    assert "\n" not in message


def test_the_limit_follows_the_compressed_size_not_just_the_absolute_cap():
    """20 MB of text from 30 kB is far under the 100 MB cap, but 100 times its packed size is not 20 MB."""
    small_bomb = docx_bomb(20)
    assert len(small_bomb) < 200_000
    with pytest.raises(FrontlineError, match=r"would unpack to 20\.\d MB .* refused unopened"):
        parse_upload("qdpx", "project.qdpx", small_bomb)


def test_a_zip_whose_headers_understate_a_member_is_refused_as_damaged_without_inflating_it():
    """A member claiming 1 kB but holding 18 MB: reading stops at the claimed size and the file is refused."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"<w:p/>" * (3 * MIB))
    data = bytearray(out.getvalue())
    for record, offset in ((b"PK\x01\x02", 24), (b"PK\x03\x04", 22)):  # central and local size fields
        at = data.index(record)
        data[at + offset:at + offset + 4] = (1024).to_bytes(4, "little")
    with pytest.raises(FrontlineError, match=r'^"liar.docx" could not be read as a Word file'):
        parse_upload("transcript", "liar.docx", bytes(data))


def test_padding_a_bomb_with_incompressible_parts_does_not_raise_its_own_allowance():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/media/image1.png", random.Random(7).randbytes(3 * MIB))  # packs to 3 MB
        archive.writestr("word/document.xml", b"<w:p/>" * MIB)  # 6 MB from about 6 kB
    assert len(out.getvalue()) > 3 * MIB  # the archive as a whole could unpack to 100 MB...
    with pytest.raises(FrontlineError, match=r"would unpack to 9 MB from 3 MB, over the 100 MB allowed .*"
                                             r"\(document.xml alone may take 1 MB\)"):  # ...but not this member
        check_zip('"x.docx"', out.getvalue(), Limits())


def test_a_normal_docx_parses_in_the_child_exactly_as_in_process():
    data = word_file("Q: What slows you down?", "A: The CRM logs me out twice a shift.", "Q: And the queue?",
                     "A: Genesys shows wrong wait times.")
    assert parse_upload("transcript", "interview.docx", data) == parse_transcript("interview.docx", data)


def test_a_csv_comes_back_as_the_same_text_table_with_its_line_numbers():
    data = "participant,answer\nP01,\"Two lines,\nin one cell\"\n\nP02,Zoë said so\n".encode()
    table = parse_upload("csv", "notes.csv", data)
    expected = read_csv_table(data)
    assert table.equals(expected) and list(table.index) == [2, 5]
    assert table.loc[5, "answer"] == "Zoë said so"


def test_the_parsers_own_messages_come_back_unchanged():
    with pytest.raises(FrontlineError, match=r'^"report.pdf" is a .pdf file; Frontline imports'):
        parse_upload("transcript", "report.pdf", b"%PDF-1.7")
    with pytest.raises(FrontlineError, match="^Line 2 of the codebook file has a cell longer than 100 kB"):
        parse_upload("codebook", "codes.csv", b'key,name\nq,"' + b"x" * 200_000 + b'"\n')
    with pytest.raises(FrontlineError, match="not a zip archive"):
        parse_upload("qdpx", "project.qdpx", b"not a zip")


def test_a_file_that_needs_too_much_memory_is_stopped_by_the_memory_limit():
    many_lines = b"Q: why?\nA: because.\n" * 1_500_000  # 30 MB of turns: hundreds of MB as Python objects
    with pytest.raises(FrontlineError, match=r'^"long.txt" needed more than 500 MB of memory to read and was stopped'):
        parse_upload("transcript", "long.txt", many_lines, limits=Limits(memory_bytes=500 * MIB, wall_seconds=60))


def test_a_file_that_takes_too_long_is_stopped_by_the_wall_clock():
    started = time.monotonic()
    with pytest.raises(FrontlineError, match=r'^"notes.txt" took longer than 0.2 s to read and was stopped'):
        # Bytes no other test reads (a file read before comes back from the cache, with no child to stop),
        # and enough turns to take a second or more to read.
        parse_upload("transcript", "notes.txt", b"Q: wall clock?\nA: stopped.\n" * 100_000,
                     limits=Limits(wall_seconds=0.2))
    assert time.monotonic() - started < 5


def test_the_server_keeps_working_while_a_hostile_file_is_being_refused():
    """The waiting thread holds no lock: plain Python work goes on while the child reads and refuses the file.

    (A bomb that declares its size is refused by the web process before any child starts, too fast to
    overlap anything; 50,000-deep XML has to be read by the child to be refused.)
    """
    refusals = []

    def attacker():
        try:
            parse_upload("qdpx", "deep.qdpx", qdpx_deeply_nested())
        except FrontlineError as exc:
            refusals.append(str(exc))

    thread = threading.Thread(target=attacker)
    thread.start()
    counted = 0
    while thread.is_alive() and counted < 10**9:  # this thread is not blocked while the child works
        counted += 1
    thread.join()
    assert counted > 1000
    assert refusals and "nests its elements more than 100 deep" in refusals[0]


def test_a_file_that_needs_too_much_cpu_is_stopped_by_the_cpu_limit():
    rows = b"participant,answer\n" + b"P1,the tool froze\n" * 600_000  # 11 MB: seconds of CPU to split
    with pytest.raises(FrontlineError, match=r'^"big.csv" needed more than 1 s of processing to read and was stopped'):
        parse_upload("csv", "big.csv", rows, limits=Limits(cpu_seconds=1, wall_seconds=60))


def test_a_stop_is_not_remembered_so_a_retry_on_a_quieter_moment_works():
    # 40,000 turns take over a second to read even on an idle machine (a tiny file once beat the 0.1 s limit).
    data = b"Q: What breaks?\nA: The softphone drops calls.\n" * 40_000
    with pytest.raises(FrontlineError, match="took longer than 0.1 s"):
        parse_upload("transcript", "retry.txt", data, limits=Limits(wall_seconds=0.1))
    # Same file, same name: a remembered refusal would be raised again here.
    assert parse_upload("transcript", "retry.txt", data).turns[0].answer == "The softphone drops calls."


def test_a_bomb_that_slips_under_the_unpack_limit_is_still_stopped_within_ten_seconds():
    """With the ratio check loosened, 99 MB of Word XML reaches python-docx; time or memory stops it."""
    bomb = docx_bomb(99)
    started = time.monotonic()
    refused = r'^"b.docx" (took longer than 6 s|needed more than 6 s of processing|needed more than 1536 MB of memory)'
    with pytest.raises(FrontlineError, match=refused):
        parse_upload("transcript", "b.docx", bomb, limits=Limits(max_unpack_ratio=1000))
    assert time.monotonic() - started <= 10


def test_the_child_gets_no_secret_from_the_servers_environment(monkeypatch):
    from interviews.sandbox import _child_env

    monkeypatch.setenv("FRONTLINE_DATABASE_URL", "postgresql+psycopg://app:s3cret@db/frontline")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "abc")
    env = _child_env()
    assert "s3cret" not in str(env) and "abc" not in env.values()
    assert env["OPENBLAS_NUM_THREADS"] == "1"
