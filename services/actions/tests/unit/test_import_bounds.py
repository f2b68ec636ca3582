"""An uploaded action plan cannot exhaust memory or block the service: crafted XLSX and CSV files are read by
what they hold, not what they declare, within bounds, and refused with a code and a French sentence otherwise.

The XLSX bombs are read in a forked child whose address space may grow by 1 GiB at most, with a deadline, so a
reader that would pad a declared dimension fails the test instead of exhausting the machine.
"""

from __future__ import annotations

import asyncio
import io
import multiprocessing
import re
import resource
import zipfile

import pytest
from openpyxl import Workbook
from openpyxl.styles import Font

from tdi_actions.importing.spreadsheet import read_table
from tdi_runtime.errors import DomainError

LIMITS = {"max_bytes": 100_000, "max_rows": 10}
HEADER = ["territoire", "titre", "categories", "porteur"]
ROW = ["tdi-44-grand-reims", "Réseau de chaleur", "numerique", "CU"]
CHILD_GROWTH = 1024**3
CHILD_DEADLINE_S = 120


def xlsx(rows: list[list[object]], *, cells: dict[tuple[int, int], object] | None = None) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    for (row, column), value in (cells or {}).items():
        cell = sheet.cell(row=row, column=column, value=value)
        cell.font = Font(bold=True)  # a styled cell is written even when it holds no value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def rewrite_sheet(data: bytes, change) -> bytes:
    """The same workbook with its first sheet's XML changed by `change(xml: str) -> str`."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            body = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                body = change(body.decode()).encode()
            target.writestr(item.filename, body, compresslevel=9)
    return out.getvalue()


def _child(conn, data: bytes, limits: dict) -> None:
    with open("/proc/self/statm") as statm:  # the address space the fork inherited, in pages
        size = int(statm.read().split()[0]) * resource.getpagesize()
    resource.setrlimit(resource.RLIMIT_AS, (size + CHILD_GROWTH, size + CHILD_GROWTH))
    try:
        table = read_table(data, **limits)
        conn.send(("read", [(n, dict(cells)) for n, cells in table.rows]))
    except DomainError as refused:
        conn.send(("refused", (refused.code, refused.message, refused.details, refused.http_status)))
    except MemoryError:
        conn.send(("memory exhausted", None))


def read_in_a_capped_child(data: bytes, **limits) -> tuple[str, object]:
    context = multiprocessing.get_context("fork")  # the test module need not be importable by a fresh interpreter
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(sender, data, {**LIMITS, **limits}))
    child.start()
    sender.close()
    try:
        if not receiver.poll(CHILD_DEADLINE_S):
            return ("still reading at the deadline", None)
        return receiver.recv()
    except EOFError:
        return ("died", child.exitcode)
    finally:
        child.kill()
        child.join()


def test_a_5_kb_xlsx_declaring_a_17_billion_cell_dimension_is_read_by_the_cells_it_holds():
    declared = rewrite_sheet(
        xlsx([HEADER, ROW], cells={(1_048_576, 1): None}),  # its last row, empty, at the bottom of the sheet
        lambda xml: re.sub(r'<dimension ref="[^"]+"', '<dimension ref="A1:XFD1048576"', xml),
    )
    assert len(declared) < 10_000
    outcome, rows = read_in_a_capped_child(declared)
    assert outcome == "read", outcome
    assert rows == [(2, dict(zip(HEADER, ROW, strict=True)))]


def test_an_empty_styled_cell_far_right_is_read_without_padding_the_rows():
    data = xlsx([HEADER, ROW, ROW], cells={(2, 16384): None})
    outcome, rows = read_in_a_capped_child(data)
    assert outcome == "read", outcome
    assert rows == [(2, dict(zip(HEADER, ROW, strict=True))), (3, dict(zip(HEADER, ROW, strict=True)))]


def test_a_value_beyond_the_column_cap_refuses_the_file_naming_the_cap():
    data = xlsx([HEADER, ROW], cells={(2, 16384): "loin à droite"})
    outcome, refusal = read_in_a_capped_child(data, max_columns=64)
    assert outcome == "refused", outcome
    code, message, details, status = refusal
    assert (code, status, details["max_columns"], details["line"]) == ("IMPORT_FILE_TOO_LARGE", 413, 64, 2)
    assert "64 colonnes" in message


def test_reading_stops_at_the_row_past_the_cap_without_reading_further():
    rows = [HEADER] + [ROW] * 11  # one more than max_rows: what lies below is never reached
    data = rewrite_sheet(
        xlsx(rows, cells={(1_048_576, 1): None}),
        lambda xml: re.sub(r'<dimension ref="[^"]+"', '<dimension ref="A1:XFD1048576"', xml),
    )
    outcome, refusal = read_in_a_capped_child(data)
    assert outcome == "refused", outcome
    code, message, details, status = refusal
    assert (code, status, details) == ("IMPORT_FILE_TOO_LARGE", 413, {"max_rows": 10})
    assert "au plus 10" in message


def test_a_zip_bomb_whose_parts_unpack_past_the_limit_is_refused_before_it_is_unpacked():
    padding = " " * (64 * 1024 * 1024)  # 64 MiB of blanks: a few dozen KB once deflated
    data = rewrite_sheet(xlsx([HEADER, ROW]), lambda xml: xml.replace("<sheetData>", "<sheetData>" + padding))
    assert len(data) < LIMITS["max_bytes"]
    with pytest.raises(DomainError) as refused:
        read_table(data, **LIMITS)
    assert (refused.value.code, refused.value.http_status) == ("IMPORT_FILE_TOO_LARGE", 413)
    assert "décompressé" in refused.value.message
    assert refused.value.details["max_uncompressed_bytes"] > 0


def test_a_csv_cell_beyond_the_cell_limit_is_refused_in_french():
    data = ";".join(HEADER).encode() + b"\n" + b"tdi-44-grand-reims;" + b"x" * 200_000 + b";numerique;CU\n"
    with pytest.raises(DomainError) as refused:
        read_table(data, max_bytes=1_000_000, max_rows=10)
    assert (refused.value.code, refused.value.http_status) == ("IMPORT_FILE_TOO_LARGE", 413)
    assert refused.value.details["line"] == 2
    assert "caractères" in refused.value.message and "field" not in refused.value.message


def test_a_csv_line_with_a_value_beyond_the_column_cap_is_refused():
    data = ";".join(HEADER).encode() + b"\n" + ";".join(ROW).encode() + b";" * 90_000 + b"x\n"
    with pytest.raises(DomainError) as refused:
        read_table(data, max_bytes=1_000_000, max_rows=10)
    assert refused.value.code == "IMPORT_FILE_TOO_LARGE"
    assert refused.value.details["line"] == 2 and refused.value.details["max_columns"] > 0


def test_trailing_empty_csv_columns_are_not_counted():
    data = ";".join(HEADER).encode() + b"\n" + ";".join(ROW).encode() + b";" * 90_000 + b"\n"
    ((line, cells),) = read_table(data, max_bytes=1_000_000, max_rows=10).rows
    assert (line, cells) == (2, dict(zip(HEADER, ROW, strict=True)))


@pytest.mark.parametrize("character", ["\x00", "\x01", "\x1b", "\x7f", "\x85"])
def test_a_control_character_in_a_cell_refuses_the_file_naming_the_line_and_column(character):
    data = f"{';'.join(HEADER)}\n{';'.join(ROW)}\ntdi-44-grand-reims;a{character}b;numerique;CU\n".encode()
    with pytest.raises(DomainError) as refused:
        read_table(data, **LIMITS)
    assert (refused.value.code, refused.value.http_status) == ("IMPORT_FILE_INVALID", 422)
    assert (refused.value.details["line"], refused.value.details["column"]) == (3, "titre")
    assert refused.value.message.startswith(  # the catalogue's sentence, then the case
        "Le fichier importé est illisible ou corrompu. Ligne 3, colonne « titre »"
    )


def test_tabs_and_line_breaks_inside_a_cell_are_kept():
    data = f'{";".join(HEADER)}\ntdi-44-grand-reims;"Réseau\tde\nchaleur";numerique;CU\n'.encode()
    ((_, cells),) = read_table(data, **LIMITS).rows
    assert cells["titre"] == "Réseau\tde\nchaleur"


# --- the service's way in: a child process bounded in time and memory, the event loop free meanwhile ---


async def test_the_service_reads_a_file_in_a_worker_while_its_event_loop_keeps_serving():
    from tdi_actions.importing.bounded import read_table_bounded
    from tdi_actions.settings import ImportSettings

    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    ticker = asyncio.create_task(tick())
    try:
        table = await read_table_bounded(xlsx([HEADER, ROW]), ImportSettings(max_rows=10))
    finally:
        ticker.cancel()
    assert table.rows == [(2, dict(zip(HEADER, ROW, strict=True)))]
    assert ticks > 0, "the event loop was blocked while the file was read"
    assert multiprocessing.active_children() == []


def a_row_of_half_a_million_cells() -> bytes:
    """Inside every cap but memory: 20 KB zipped, 7 MiB unpacked, one XML row openpyxl builds whole."""
    row = '<row r="3">' + "<c><v>1</v></c>" * 500_000 + "</row>"
    return rewrite_sheet(xlsx([HEADER, ROW]), lambda xml: xml.replace("</sheetData>", row + "</sheetData>"))


@pytest.mark.parametrize(
    ("data", "bound", "words"),
    [
        (a_row_of_half_a_million_cells, {"parse_memory_bytes": 64 * 1024 * 1024}, "Mio de mémoire"),
        (lambda: xlsx([HEADER, ROW]), {"parse_timeout_s": 0.0}, "secondes"),
    ],
    ids=["memory", "time"],
)
async def test_a_read_past_its_memory_or_time_bound_is_stopped_and_refused_with_a_code(data, bound, words):
    from tdi_actions.importing.bounded import read_table_bounded
    from tdi_actions.settings import ImportSettings

    with pytest.raises(DomainError) as refused:
        await read_table_bounded(data(), ImportSettings(max_rows=10, **bound))
    assert (refused.value.code, refused.value.http_status) == ("IMPORT_FILE_TOO_LARGE", 413)
    assert words in refused.value.message
    assert multiprocessing.active_children() == [], "the worker is stopped"
