"""Which sheet of a workbook holds the roster, and which of its rows is the header: the one decision
of whether a file can be imported at all, for the command line and the wizard alike."""

from __future__ import annotations

from desktop.core.progress import Progress
from desktop.excel.headers import find_header_row
from desktop.excel.reader import FileRefused, SheetRefused, Workbook, sheet_is_empty
from desktop.importing.words import Synonyms, load_synonyms


def choose_sheet(wb: Workbook, syn: Synonyms, sheet: str | None, progress: Progress | None = None) -> str:
    """The named sheet, else the first sheet whose header is recognised. A sheet that cannot be
    read (damaged) is passed over; the file is refused with its reason only when no other sheet
    holds a roster."""
    if sheet is not None:
        if sheet in wb.sheet_names:
            return sheet
        same = [n for n in wb.sheet_names if n.strip().casefold() == sheet.strip().casefold()]
        if len(same) == 1:
            return same[0]
        raise FileRefused(
            f"{wb.name} has no sheet called {sheet!r}. Its sheets are: {', '.join(wb.sheet_names)}."
        )
    any_data = False
    unreadable: list[SheetRefused] = []
    for name in wb.sheet_names:
        try:
            rows = wb.rows(name, progress)
        except SheetRefused as exc:
            unreadable.append(exc)
            continue
        if sheet_is_empty(rows):
            wb.forget(name)
            continue
        any_data = True
        if find_header_row(rows, syn) is not None:
            return name
        wb.forget(name)
    if unreadable and not any_data:
        raise unreadable[0]
    if unreadable:
        names = " and ".join(repr(e.sheet) for e in unreadable[:3])
        raise FileRefused(
            f"No header row found in {wb.name}: {'the sheets' if len(unreadable) > 1 else 'the sheet'} "
            f"{names} cannot be read (damaged), and no other sheet has column names such as Collar "
            "number and Surname in its first 20 rows. Open the file in Excel and save it again, or ask "
            "for a fresh copy."
        )
    if not any_data:
        raise FileRefused(f"{wb.name} has no data: every sheet is empty.")
    sheets = ", ".join(repr(n) for n in wb.sheet_names)
    raise FileRefused(
        f"No header row found in {wb.name} (sheets {sheets}): CiP Desk looks in the first 20 rows for "
        f"a row of column names such as Collar number and Surname. {_ADD_HEADER}"
    )


_ADD_HEADER = "Add such a row above the data and import the file again."


def locate_header(
    wb: Workbook, syn: Synonyms | None = None, sheet: str | None = None, progress: Progress | None = None
) -> tuple[str, int]:
    """The sheet to import and its header row (0-based), or FileRefused with the sentence to show.

    The one decision of whether a file can be imported at all, for the command line and the
    wizard alike: a sheet with no row of column names in its first 20 rows is refused (a user may
    then choose another row as the header only of a sheet where one was found)."""
    syn = syn or load_synonyms()
    name = choose_sheet(wb, syn, sheet, progress)
    rows = wb.rows(name, progress)
    if sheet_is_empty(rows):
        raise FileRefused(f"The sheet {name!r} of {wb.name} is empty: there is nothing to import.")
    found = find_header_row(rows, syn)
    if found is None:
        raise FileRefused(
            f"No header row found in the first 20 rows of sheet {name!r} in {wb.name}: CiP Desk looks "
            f"for a row of column names such as Collar number and Surname. {_ADD_HEADER}"
        )
    return name, found
