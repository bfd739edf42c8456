"""Reading files, folders and dumps into articles or rejections."""
import json
from datetime import date

from pipeline.ingest import Ingestor, decode, text_hash
from pipeline.models import Article, Rejection
from pipeline.source_names import readable


def read(*paths, **kw):
    return list(Ingestor(**kw).read([str(p) for p in paths]))


def test_ingest_txt_has_no_metadata_and_takes_folder_name_as_source(tmp_path):
    folder = tmp_path / "kyiv-independent"
    folder.mkdir()
    (folder / "a.txt").write_text("Shelling hit Kharkiv on Monday.")
    [article] = read(folder / "a.txt")
    assert isinstance(article, Article)
    assert article.source == "Kyiv Independent" and article.published is None and article.url is None


def test_ingest_source_precedence_record_then_cli_then_url_domain(tmp_path):
    dump = tmp_path / "d.jsonl"
    dump.write_text("\n".join(json.dumps(r) for r in [
        {"text": "A", "source": "Named", "url": "https://www.example.org/a"},
        {"text": "B", "url": "https://www.example.org/b"},
        {"text": "C"},
    ]))
    assert [a.source for a in read(dump)] == ["Named", "example.org", readable(tmp_path.name)]
    assert [a.source for a in read(dump, source="Given")] == ["Named", "Given", "Given"]


def test_ingest_jsonl_malformed_line_rejected_others_kept(tmp_path):
    dump = tmp_path / "d.jsonl"
    dump.write_text('{"text": "one"}\n{"text": broken\n{"title": "no text"}\n{"text": "two", "published": "2022-09-10"}\n')
    items = read(dump)
    assert [type(i).__name__ for i in items] == ["Article", "Rejection", "Rejection", "Article"]
    assert items[1].origin == f"{dump}:2" and "malformed JSON" in items[1].reason
    assert items[2].reason == "record has no 'text' field"
    assert items[3].published == date(2022, 9, 10)


def test_ingest_json_list_and_csv(tmp_path):
    (tmp_path / "d.json").write_text(json.dumps([{"text": "x", "title": "T"}, {"text": "y"}]))
    (tmp_path / "d.csv").write_text('title,text\nA,"line one\nline two"\nB,second\n')
    items = read(tmp_path / "d.json", tmp_path / "d.csv")
    assert [i.text for i in items] == ["x", "y", "line one\nline two", "second"]
    assert items[0].title == "T"


def test_ingest_csv_without_text_column_rejected(tmp_path):
    (tmp_path / "d.csv").write_text("title,body\nA,B\n")
    [item] = read(tmp_path / "d.csv")
    assert isinstance(item, Rejection) and item.reason == "CSV has no 'text' column"


def test_ingest_html_main_text_and_metadata(tmp_path):
    page = tmp_path / "p.html"
    page.write_text(
        "<html><head><title>Floods in Sindh</title><meta property='og:title' content='Floods in Sindh'>"
        "<meta property='article:published_time' content='2022-08-30'>"
        "<link rel='canonical' href='https://www.harbour.example/floods'></head><body>"
        "<nav><a href='/'>Home</a> <a href='/world'>World</a></nav><article><h1>Floods in Sindh</h1>"
        + "".join(f"<p>Rescue teams reached villages near Dadu in Sindh province on Tuesday, paragraph {i}, "
                  "as water levels kept rising across the district.</p>" for i in range(5))
        + "</article><footer>Copyright</footer></body></html>")
    [article] = read(page)
    assert isinstance(article, Article)
    assert "Dadu" in article.text and "Copyright" not in article.text
    assert article.title == "Floods in Sindh"
    assert article.published == date(2022, 8, 30)
    assert article.url == "https://www.harbour.example/floods" and article.source == "harbour.example"


def test_ingest_html_without_body_rejected(tmp_path):
    (tmp_path / "e.html").write_text("<html><head><title>x</title></head><body></body></html>")
    [item] = read(tmp_path / "e.html")
    assert isinstance(item, Rejection) and "no article text" in item.reason


def test_ingest_missing_path_and_unsupported_file(tmp_path):
    (tmp_path / "image.png").write_bytes(b"\x89PNG")
    items = read(tmp_path / "nope.txt", tmp_path)
    assert items[0].reason == "no such file or directory"
    assert "unsupported file type '.png'" in items[1].reason


def test_decode_handles_common_encodings():
    assert decode("Zürich".encode("utf-8"))[0] == "Zürich"
    assert decode("Zürich".encode("utf-16"))[:2] == ("Zürich", ("decoded-utf16",))
    assert decode("café – ok".encode("cp1252"))[:2] == ("café – ok", ("decoded-cp1252",))
    assert decode(b"   \n\t")[2] == "empty file"
    assert decode(bytes(range(256)) * 4)[2] == "binary data, not text"


def test_text_hash_ignores_spacing_and_case():
    assert text_hash("Troops  entered\nKupiansk.") == text_hash("troops entered kupiansk.")
    assert text_hash("Troops entered Kupiansk.") != text_hash("Troops entered Izyum.")


def test_article_id_from_url_else_text(tmp_path):
    dump = tmp_path / "d.jsonl"
    dump.write_text('{"text": "a", "url": "https://x.example/1"}\n{"text": "a"}\n{"text": "b", "url": "javascript:alert(1)"}\n')
    a, b, c = read(dump)
    assert a.article_id != b.article_id and a.text_hash == b.text_hash
    assert c.url is None


def test_ingest_folder_that_vanishes_mid_walk_is_reported(tmp_path):
    import shutil

    (tmp_path / "a.txt").write_text("Troops entered Izyum on Friday.")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.txt").write_text("Shelling hit Kharkiv.")
    items = Ingestor().read([str(tmp_path)])
    first = next(items)
    shutil.rmtree(tmp_path / "sub")  # gone before the walk reaches it
    rest = list(items)
    assert isinstance(first, Article)
    assert [(r.origin, r.reason) for r in rest] == [(str(tmp_path / "sub"), "cannot read folder: No such file or directory")]


def test_ingest_one_outlet_is_one_source_under_a_readable_name(tmp_path):
    from pipeline.source_names import readable

    names = tmp_path / "names.toml"
    names.write_text('"apnews.com" = "Associated Press"\n')
    assert readable("northern-ledger", names) == readable("Northern Ledger", names) == "Northern Ledger"
    assert readable("www.APNews.com", names) == "Associated Press"
    assert readable("thetowntalk.com", names) == "thetowntalk.com"  # a host no one named stays as it is
    broken = tmp_path / "broken.toml"
    broken.write_text("= not toml")
    assert readable("meridian-wire", broken) == "Meridian Wire"  # a bad settings file is ignored


def test_ingest_an_article_without_a_title_is_called_by_its_headline(tmp_path):
    from pipeline.ingest import Ingestor

    (tmp_path / "a.txt").write_text("Dam bursts near Derna\n\nFloods swept through the city on Monday.")
    (tmp_path / "b.txt").write_text("Floods swept through Derna on Monday after two dams burst in the night, "
                                    "killing thousands of people in the eastern Libyan city.")
    titles = [a.title for a in Ingestor().read([str(tmp_path)])]
    assert titles == ["Dam bursts near Derna", "Floods swept through Derna on Monday after two dams burst in the night, "
                      "killing thousands of people…"]
