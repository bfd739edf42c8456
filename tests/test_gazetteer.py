"""The GeoNames index: names, kinds of entry, admin-1 regions."""
import pytest

from pipeline.distance import km
from pipeline.gazetteer import GazetteerMissing, normalize_name
from pipeline.gazetteer_files import npm_data


def test_gazetteer_normalize_name_folds_accents_case_and_punctuation():
    assert normalize_name("Île-de-France") == normalize_name("ile de france") == "ile defrance"
    assert normalize_name("U.S.") == "us"
    assert normalize_name("Kyiv\u2019s") == "kyiv's"
    assert normalize_name("The Hague") == "hague"
    assert normalize_name("Mt. Pleasant") == normalize_name("Mount Pleasant")
    assert normalize_name("St. Paul") == normalize_name("Saint Paul")
    assert normalize_name("Ft. Worth") == normalize_name("Fort Worth")


def test_gazetteer_airport_codes_are_not_names_but_initials_are(gazetteer):
    """GeoNames lists "DAC" for Dhaka and "CAN" for Guangzhou: "the DAC said" is no place."""
    assert not [p for p, _ in gazetteer.lookup("DAC") if p.name == "Dhaka"]
    assert not [p for p, _ in gazetteer.lookup("CAN") if p.name == "Guangzhou"]
    assert not [p for p, _ in gazetteer.lookup("D") if p.name == "Detroit"]  # "The D", less "the"
    assert not [p for p, _ in gazetteer.lookup("Ba") if p.name == "Bath"]
    assert [p for p, _ in gazetteer.lookup("LA") if p.name == "Los Angeles"]
    assert [p for p, _ in gazetteer.lookup("NYC") if p.name == "New York City"]
    assert [p for p, _ in gazetteer.lookup("KL") if p.name == "Kuala Lumpur"]


def test_gazetteer_countries_are_entries_with_points(gazetteer):
    ukraine = [p for p, _ in gazetteer.lookup("Ukraine") if p.precision == "country"]
    assert ukraine and ukraine[0].country_code == "UA" and ukraine[0].geonameid == 690791
    assert [p.country_code for p, _ in gazetteer.lookup("U.S.") if p.precision == "country"] == ["US"]


def test_gazetteer_countries_sit_at_their_geonames_points_not_their_capitals(gazetteer):
    """What a map reader expects and geoparsing gold uses: the United States at GeoNames' 39.76, -98.5
    (the CIA Factbook's 38, -97 is 235 km away, Washington 1,900 km)."""
    points = {p.country_code: (p.lat, p.lon) for name in ("United States", "Canada", "Japan")
              for p, _ in gazetteer.lookup(name) if p.precision == "country"}
    assert points == {"US": (39.76, -98.5), "CA": (60.1087, -113.643), "JP": (35.6854, 139.753)}


def test_gazetteer_admin1_regions_sit_at_the_centres_of_their_shapes(gazetteer):
    """countrystatecity put Texas 100 km and Alberta 340 km from their middles, Irkutsk oblast on its
    capital; each now sits at its Natural Earth shape's centroid."""
    points = {p.name: (p.lat, p.lon) for name in ("Texas", "Alberta", "Irkutsk")
              for p, _ in gazetteer.lookup(name) if p.precision == "admin1"}
    assert km(*points["Texas"], 31.5, -99.36) < 10
    assert km(*points["Alberta"], 55.17, -114.51) < 10
    assert km(*points["Irkutsk"], 52.29, 104.29) > 400  # no longer the city of Irkutsk


def test_gazetteer_us_counties_sit_at_the_centres_of_their_census_shapes(gazetteer):
    """Not the mean of their towns, which leans to where the towns cluster (San Bernardino County's
    towns crowd its south-west corner, 100 km from its middle)."""
    def point(name, state):
        county = next(p for p, _ in gazetteer.lookup(name) if p.precision == "admin2" and p.admin1_code == state)
        return county.lat, county.lon
    assert km(*point("San Bernardino County", "CA"), 34.84, -116.18) < 5
    assert km(*point("Boone County", "IN"), 40.05, -86.47) < 5
    assert km(*point("Saint Clair County", "IL"), 38.47, -89.93) < 5  # us-atlas spells it "St. Clair"


def test_gazetteer_admin1_linked_to_geonames_codes(gazetteer):
    kharkiv = gazetteer.in_admin1("UA", "07")
    assert kharkiv is not None and kharkiv.precision == "admin1" and kharkiv.name == "Kharkivska"
    assert abs(kharkiv.lat - 49.8) < 1 and abs(kharkiv.lon - 36.4) < 1
    assert gazetteer.in_admin1("ES", "51").name == "Andalusia"  # not one of its provinces


def test_gazetteer_alternate_names_and_admin1_names_of_settlements(gazetteer):
    [(kupyansk, is_main)] = [(p, m) for p, m in gazetteer.lookup("Kupiansk") if p.precision == "settlement"]
    assert kupyansk.name == "Kupyansk" and not is_main and kupyansk.admin1 == "Kharkivska"


def test_gazetteer_macro_regions(gazetteer):
    [(donbas, _)] = gazetteer.lookup("Donbas")
    assert donbas.precision == "other" and donbas.country_code == "UA"


def test_gazetteer_build_without_npm_data_says_to_run_npm_ci(tmp_path):
    with pytest.raises(GazetteerMissing, match=r"not found: run `npm ci`"):
        npm_data(tmp_path / "node_modules" / "us-atlas" / "counties-10m.json")
    (tmp_path / "here.json").write_text("{}")
    assert npm_data(tmp_path / "here.json") == tmp_path / "here.json"


def test_gazetteer_a_country_has_one_capital_not_every_town_of_its_name(gazetteer):
    """Twenty American towns are called Washington; only the most populous is the capital."""
    capitals = [p for p, _ in gazetteer.lookup("Washington") if p.feature_code == "PPLC"]
    assert [(p.country_code, p.admin1_code) for p in capitals] == [("US", "DC")]


def test_gazetteer_particles_written_apart_or_joined_find_the_same_place(gazetteer):
    """Louisiana's 'De Soto Parish' is often written 'DeSoto Parish', Illinois' 'LaSalle County' 'La Salle County'."""
    assert [p.admin1_code for p, _ in gazetteer.lookup("DeSoto Parish")] == ["LA"]
    assert "IL" in {p.admin1_code for p, _ in gazetteer.lookup("La Salle County")}
