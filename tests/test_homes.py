"""A source's home region, learnt from its own articles, decides the bare names its articles leave open."""
from dataclasses import replace
from datetime import date

from pipeline.homes import MIN_ARTICLES, MIN_CONFIDENCE, SourceHomes
from pipeline.models import Article, PlaceMention


def mention(gazetteer, name, country, admin1, confidence=0.9):
    place = next(p for p, _ in gazetteer.lookup(name) if (p.country_code, p.admin1_code) == (country, admin1))
    return PlaceMention(0, len(name), name, place, confidence, (), "ner", "test")


def test_homes_region_named_by_most_of_a_sources_articles_is_home(gazetteer):
    homes = SourceHomes()
    for _ in range(MIN_ARTICLES):
        homes.learn("paper", [mention(gazetteer, "Berea", "US", "KY"), mention(gazetteer, "Lexington", "US", "KY")])
    homes.learn("paper", [mention(gazetteer, "Dayton", "US", "OH")])
    assert homes.shares("paper") == {("US", "KY"): MIN_ARTICLES / (MIN_ARTICLES + 1)}
    assert homes.shares("another paper") == {}


def test_homes_need_enough_articles_and_a_concentrated_source(gazetteer):
    homes = SourceHomes()
    homes.learn("new", [mention(gazetteer, "Berea", "US", "KY")])
    assert homes.shares("new") == {}  # one article is no home yet
    for town, region in [("Dayton", "OH"), ("Austin", "TX"), ("Fresno", "CA"), ("Tampa", "FL")]:
        homes.learn("wire", [mention(gazetteer, town, "US", region)])
    assert homes.shares("wire") == {}  # writes about everywhere: no home


def test_homes_learn_only_from_confident_readings(gazetteer):
    """A "Dublin" read as Ireland's on size alone (low confidence) must not make Leinster the paper's home."""
    homes = SourceHomes()
    for _ in range(MIN_ARTICLES):
        homes.learn("paper", [mention(gazetteer, "Dublin", "IE", "L", confidence=MIN_CONFIDENCE - 0.2)])
    assert homes.shares("paper") == {}


def test_homes_bare_town_name_follows_the_sources_home(extractor):
    """Richmond, Virginia is the largest Richmond; a paper whose other articles are set around Richmond,
    Kentucky means that one. Another source's identical article keeps the largest."""
    earlier = ["Deputies in Berea, Kentucky, arrested a man on Friday.",
               "The Madison County, Kentucky, fair opens in Lexington, Kentucky, on Monday.",
               "Schools in Berea, Kentucky, closed early on Tuesday."]
    bare = "Richmond police said the road reopened on Monday."
    articles = [Article(article_id=f"a{i}", text=t, origin="test", source="register", published=date(2009, 3, i + 1))
                for i, t in enumerate(earlier + [bare])]
    articles.append(Article(article_id="b", text=bare, origin="test", source="elsewhere", published=date(2009, 3, 5)))
    results = list(extractor.extract(articles))
    local = [m for m in results[3].places if m.text == "Richmond"][0]
    assert (local.place.country_code, local.place.admin1_code) == ("US", "KY")
    assert "where the source's other articles are set" in local.reason
    other = [m for m in results[4].places if m.text == "Richmond"][0]
    assert (other.place.country_code, other.place.admin1_code) == ("US", "VA")


def test_homes_leave_out_what_the_article_itself_taught(gazetteer):
    homes = SourceHomes()
    kentucky = homes.learn("paper", [mention(gazetteer, "Berea", "US", "KY")])
    assert kentucky == frozenset({("US", "KY")})
    for _ in range(MIN_ARTICLES - 1):
        homes.learn("paper", [mention(gazetteer, "Berea", "US", "KY")])
    homes.learn("paper", [mention(gazetteer, "Dayton", "US", "OH")])
    ohio = 1 / MIN_ARTICLES
    assert homes.shares("paper", without=kentucky) == {("US", "KY"): (MIN_ARTICLES - 1) / MIN_ARTICLES, ("US", "OH"): ohio}
    assert homes.shares("paper", without=frozenset()) == {("US", "KY"): 1.0, ("US", "OH"): ohio}


def test_homes_a_sources_first_article_gets_the_home_its_next_ones_show(extractor):
    """The extractor reads a few articles ahead: a paper's first article, a bare "Richmond", is read with the
    home its next three articles (around Richmond, Kentucky) show. Results keep the input order."""
    later = ["Deputies in Berea, Kentucky, arrested a man on Friday.",
             "The Madison County, Kentucky, fair opens in Lexington, Kentucky, on Monday.",
             "Schools in Berea, Kentucky, closed early on Tuesday."]
    bare = "Richmond police said the road reopened on Monday."
    articles = [Article(article_id=f"a{i}", text=t, origin="test", source="first-paper", published=date(2009, 3, i + 1))
                for i, t in enumerate([bare] + later)]
    results = list(extractor.extract(articles))
    assert [r.article.article_id for r in results] == ["a0", "a1", "a2", "a3"]
    first = [m for m in results[0].places if m.text == "Richmond"][0]
    assert (first.place.country_code, first.place.admin1_code) == ("US", "KY")


def test_homes_a_declared_home_decides_from_the_first_article_and_learning_does_not_move_it(extractor):
    """The sources file's `region`: a British paper's "Suffolk" is the English county, an American one's the
    Virginian city, before either has written anything else, and whatever the paper writes next."""
    extractor.homes.declare("declared-gb", ("GB", ""))
    extractor.homes.declare("declared-va", ("US", "VA"))
    text = "Police in Suffolk said a man was arrested after the fire on Sunday."
    away = [f"Fighting went on in Kharkiv and Izium on day {i}." for i in range(MIN_ARTICLES + 1)]
    articles = [Article(article_id=f"d{i}", text=t, origin="test", source=source, published=date(2024, 5, 1))
                for source in ("declared-gb", "declared-va") for i, t in enumerate([text] + away + [text])]
    results = list(extractor.extract(articles))
    regions = [[(m.place.country_code, m.place.admin1_code) for m in r.places if m.text == "Suffolk"][0]
               for r in results if r.article.text == text]
    assert regions[:2] == [("GB", "ENG"), ("GB", "ENG")] and regions[2:] == [("US", "VA"), ("US", "VA")]
    assert extractor.homes.shares("declared-gb") == {("GB", ""): 1.0}


def test_a_reading_in_stretches_is_the_reading_in_one(extractor):
    """distributed.py reads a share in stretches, each going on from where the one before left it (the carry,
    frozen to bytes between two workers): the results are those of one reading, the learnt home included."""
    import pickle

    from pipeline.extract import Carry

    local = ["Deputies in Berea, Kentucky, arrested a man on Friday.",
             "The Madison County, Kentucky, fair opens in Lexington, Kentucky, on Monday.",
             "Schools in Berea, Kentucky, closed early on Tuesday after a storm.",
             "Richmond police said the road reopened on Monday after the crash.",
             "A fire damaged a warehouse in Richmond on Sunday, firefighters said."]
    articles = [Article(article_id=f"s{i}", text=text, origin=f"s{i}", source=f"stretched-{kind}",
                        published=date(2009, 3, i + 1))
                for i, (kind, text) in enumerate(x for t in local for x in (("local", t), ("wire", f"Floods hit Dhaka. {t}")))]

    def places(results):
        return [[(m.text, m.place.geonameid if m.place else None) for m in r.places] for r in results]

    one = places(list(extractor.extract([replace(a, source=a.source + "-one") for a in articles])))
    carry, stretched = Carry(), []
    for start in range(0, len(articles), 3):
        stretched += extractor.extract(articles[start:start + 3], positions=range(start, start + 3), carry=carry)
        assert len(carry.window) == min(start + 3, len(articles)) - len(stretched)  # the rest waits for the home
        carry = pickle.loads(pickle.dumps(carry.freeze())).thaw(extractor.nlp.vocab)
    stretched += extractor.finish(carry)
    assert [r.article.article_id for r in stretched] == [a.article_id for a in articles]
    assert places(stretched) == one
    kentucky = {m.place.admin1_code for r in stretched for m in r.places if m.text == "Richmond"}
    assert kentucky == {"KY"}  # the home the paper's other articles taught
