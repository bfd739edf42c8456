"""The hostile-input corpus of tests/test_bad_input.py.

Small inputs are committed beside this script (`python tests/data/bad/make_bad.py` rewrites them, and a test
checks they still match); big ones, links, pipes and locked folders only make sense made fresh, so the test
builds them in a temporary folder with the functions below.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

HERE = Path(__file__).resolve().parent
GOOD = "Shelling hit Kharkiv on Friday, Sept. 9, 2022, officials in Kyiv said."
PARAGRAPH = "Troops advanced near Izyum on Thursday as rain fell over the Kharkiv region. "


def _jsonl(*records: object) -> bytes:
    return "".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records).encode()


SMALL: dict[str, bytes] = {
    "empty.txt": b"",
    "whitespace.txt": b"  \n\t \r\n   \n",
    "binary.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
    "latin1.txt": "Les manifestants se sont réunis à Genève le lundi 5 septembre 2022. Ça a duré.".encode("latin-1"),
    "cp1252.txt": "“Shelling hit Kharkiv on Friday,” officials said — Sept. 9, 2022.".encode("cp1252"),
    "utf16-bom.txt": "Floods reached Dadu in Sindh province on Tuesday, Aug. 30, 2022, near Zürich’s sister city."
    .encode("utf-16"),
    "utf16-damaged.txt": "Floods reached Dadu on Tuesday.".encode("utf-16")[:20] + b"\x00\xd8"
                         + "Floods reached Dadu on Tuesday.".encode("utf-16")[20:],
    "lone-surrogate.jsonl": b'{"text": "Sirens sounded in Odesa \\ud800 on Sunday.", "title": "\\udcff"}\n',
    "invalid-utf8.txt": "Protesters marched in Zürich on Monday, Sept. 5, 2022.".encode() + b" Police \xff\xfe said \xc3.",
    "malformed-line.jsonl": _jsonl(
        {"text": "Floods reached Dadu in Sindh province on Tuesday.", "published": "2022-08-31"},
        {"text": "Protesters gathered in Tehran on Monday.", "published": "2022-09-21"},
        '{"text": "Troops entered Lyman", "published": ',
        {"text": "Sirens sounded in Odesa on Sunday.", "published": "2022-09-25"},
    ),
    "object.json": json.dumps({"text": "Troops entered Lyman on Saturday.", "title": "Lyman",
                               "published": "2022-10-02"}).encode(),
    "object-without-text.json": json.dumps({"articles": [{"text": "Troops entered Lyman."}]}).encode(),
    "no-text-column.csv": b"title,body\nLyman,Troops entered Lyman on Saturday.\n",
    "quoted-newlines.csv": b'title,text\nFloods,"Floods reached Dadu\nin Sindh province on Tuesday."\n'
                           b'Sirens,"Sirens sounded in Odesa\n\non Sunday, said ""officials""."\n',
    "no-body.html": b"<html><head><title>Nothing here</title><script>var x = 1;</script></head><body></body></html>",
    "script.html": (
        '<html><body onload="alert(1)"><script>alert("page")</script><article>'
        + "".join(f'<p onclick="alert(2)">Rescue teams reached villages near Dadu in Sindh province on Tuesday, '
                  f"report {i}, as water kept rising.</p>" for i in range(4))
        + "<script>document.write('injected')</script></article></body></html>").encode(),
    "other-language.txt": "Москва, 5 сентября 2022 года. Войска вошли в Изюм в пятницу. "
                          "Los manifestantes se reunieron en Madrid el lunes.".encode(),
    "no-places.txt": b"The committee said on Monday, Sept. 5, 2022, that it would meet again next week.",
    "no-dates.txt": b"Protesters gathered in Tehran and in Paris, organisers said.",
    "impossible-dates.txt": b"KYIV, Ukraine - Troops entered Izyum on 31 February 2022. In the year 0 nothing "
                            b"was built in Kharkiv, and on February 30, 2021 Odesa was quiet.",
    "bad-published.jsonl": _jsonl(
        {"text": "Troops entered Kupiansk on Friday.", "published": "2022-02-31"},
        {"text": "Sirens sounded in Odesa on Sunday.", "published": "0000-01-01"},
        {"text": "Sirens sounded in Lviv on Sunday.", "published": "0001-01-01"},
    ),
}


def write_small(folder: Path = HERE) -> None:
    for name, data in SMALL.items():
        (folder / name).write_bytes(data)


def big_text(path: Path, size: int) -> Path:
    """A text file of `size` bytes of ordinary prose in lines, written in chunks."""
    chunk = (PARAGRAPH + "\n") * 1000
    with open(path, "w", encoding="ascii") as f:
        for _ in range(size // len(chunk)):
            f.write(chunk)
        f.write(chunk[: size % len(chunk)])
    return path


def one_line(size: int) -> str:
    """`size` characters of prose with no line break."""
    return (PARAGRAPH * (size // len(PARAGRAPH) + 1))[:size]


def sparse_file(path: Path, size: int) -> Path:
    """A file of `size` bytes that takes no disk space: for size limits checked before reading."""
    with open(path, "wb") as f:
        f.truncate(size)
    return path


def long_line_jsonl(path: Path, size: int) -> Path:
    path.write_bytes(_jsonl({"text": GOOD.replace("Friday", "Monday")}, {"text": one_line(size)},
                            {"text": GOOD.replace("Friday", "Tuesday")}))
    return path


def big_cell_csv(path: Path, size: int) -> Path:
    path.write_text(f'title,text\nHuge,"{one_line(size)}"\nGood,"{GOOD.replace("Friday", "Monday")}"\n')
    return path


def odd_names(folder: Path) -> None:
    """File names a terminal line or SQLite would choke on: a newline, and a byte that is not UTF-8."""
    (folder / "empty\nline.txt").write_text("")
    (folder / "bad\udcffname.txt").write_text(GOOD.replace("Friday", "Sunday"))


def symlink_loops(folder: Path) -> Path:
    """A folder linking to itself, and a file link pointing at itself."""
    folder.mkdir()
    os.symlink(".", folder / "again")
    os.symlink("self.txt", folder / "self.txt")
    return folder


if __name__ == "__main__":
    write_small()
