"""Choosing the right GeoNames entry for a place name, given the rest of the article."""
from datetime import date

from pipeline_fixtures import extract_one


def places(extractor, text):
    return {m.text: m.place for m in extract_one(extractor, text, date(2022, 10, 1)).places}


def test_resolve_country_name_is_the_country_not_a_town(extractor):
    found = places(extractor, "Ukraine and Russia met in talks.")
    assert found["Ukraine"].precision == "country" and found["Ukraine"].country_code == "UA"
    assert found["Russia"].precision == "country" and found["Russia"].country_code == "RU"


def test_resolve_qualifier_after_comma_picks_the_matching_place(extractor):
    assert places(extractor, "A storm hit Naples, Florida, on Monday.")["Naples"].country_code == "US"
    assert places(extractor, "Protesters gathered in Paris, Texas, on Monday.")["Paris"].admin1_code == "TX"
    assert places(extractor, "Tourists returned to Paris on Monday.")["Paris"].country_code == "FR"


def test_resolve_canadian_and_australian_abbreviations_qualify_like_us_ones(extractor):
    """"Nelson, B.C." is the Canadian town, not New Zealand's Nelson; "Newcastle, NSW" the Australian city."""
    nelson = places(extractor, "Wildfire smoke reached Nelson, B.C., on Tuesday.")["Nelson"]
    assert (nelson.country_code, nelson.admin1) == ("CA", "British Columbia")
    newcastle = places(extractor, "Flooding closed roads in Newcastle, NSW, on Friday.")["Newcastle"]
    assert newcastle.country_code == "AU"


def test_resolve_region_phrase_is_the_admin1_region(extractor):
    found = places(extractor, "Floods swept through Sindh province and the Kherson region.")
    assert found["Sindh province"].precision == "admin1" and found["Sindh province"].country_code == "PK"
    assert found["Kherson region"].precision == "admin1" and found["Kherson region"].country_code == "UA"


def test_resolve_article_context_disambiguates(extractor):
    text = "Shelling hit Kharkiv and Izyum. Later, troops reached Balakliya."
    assert places(extractor, text)["Balakliya"].admin1_code == "07"


def test_resolve_keeps_alternatives_considered(extractor):
    mention = [m for m in extract_one(extractor, "Troops entered Balakliya, Ukraine, on Friday.", date(2022, 9, 10)).places][0]
    assert mention.place.geonameid == 712926
    assert any("Balakliia" in a for a in mention.alternatives)


def test_resolve_region_phrase_with_lowercase_particle(extractor):
    found = places(extractor, "Hurricane Ian made landfall in Cuba's Pinar del R\u00edo province on Tuesday.")
    region = found["Pinar del R\u00edo province"]
    assert region.precision == "admin1" and region.country_code == "CU"


def test_resolve_county_is_never_its_state(extractor):
    mentions = extract_one(extractor, "Deputies in Laurel County, Kentucky, arrested two men.", date(2009, 3, 1)).places
    laurel = [m for m in mentions if m.text.startswith("Laurel")]
    assert laurel and laurel[0].text == "Laurel County"
    county = laurel[0].place
    assert county.precision == "admin2" and (county.country_code, county.admin1_code) == ("US", "KY")
    assert abs(county.lat - 37.1) < 0.3 and abs(county.lon + 84.1) < 0.3  # its own middle, not Kentucky's


def test_resolve_formal_country_name_is_the_country_not_a_town_in_it(extractor):
    found = places(extractor, "Envoys met officials of the Republic of Armenia on Monday.")
    assert found["Republic of Armenia"].precision == "country" and found["Republic of Armenia"].country_code == "AM"


def test_resolve_county_named_like_a_state_is_the_county(extractor):
    """"Ohio County" (West Virginia) is a county named Ohio, never the state of Ohio."""
    county = places(extractor, "Deputies in Ohio County arrested two men on Friday.")["Ohio County"]
    assert county.precision == "admin2" and county.country_code == "US"


def mentions(extractor, text):
    return extract_one(extractor, text, date(2010, 1, 1)).places


def test_resolve_article_context_beats_population(extractor):
    text = "A Paris man was hurt in a crash in Texas. He was flown to a hospital in Dallas."
    found = {m.text: m for m in mentions(extractor, text)}
    paris = found["Paris"]
    assert (paris.place.country_code, paris.place.admin1_code) == ("US", "TX")
    assert "in the article (same admin-1, Texas" in paris.reason
    assert any("FR" in a for a in paris.alternatives)


def test_resolve_qualifier_holds_for_every_mention_of_the_name(extractor):
    found = [m for m in mentions(extractor, "Roads closed in Paris, Texas, on Monday. Paris officials said schools reopen.")
             if m.text == "Paris"]
    assert len(found) == 2 and all(m.place.admin1_code == "TX" for m in found)
    assert all(m.reason == "matches qualifier 'Texas'" for m in found)


def test_resolve_abbreviated_state_qualifier(extractor):
    springfield = mentions(extractor, "The company moved its plant to Springfield, Ill., last year.")[0]
    assert springfield.place.admin1_code == "IL" and springfield.reason == "matches qualifier 'Ill.'"


def test_resolve_list_of_cities_is_not_a_qualifier(extractor):
    found = {m.text: m.place for m in mentions(extractor, "The prince visited Washington, New York and Boston this week.")}
    assert found["Washington"].admin1_code == "DC"


def test_resolve_country_name_is_not_outvoted_by_the_article_country(extractor):
    found = {m.text: m.place for m in mentions(extractor, "Officials in Dallas, Austin and Houston said trade with Mexico would grow.")}
    assert found["Mexico"].precision == "country" and found["Mexico"].country_code == "MX"


def test_resolve_known_name_inside_a_longer_span(extractor):
    found = {m.text: m.place for m in mentions(extractor, "Snow fell across North Texas on Monday.")}
    assert found["North Texas"].precision == "admin1" and found["North Texas"].admin1_code == "TX"


def test_resolve_reason_names_size_when_nothing_else_decides(extractor):
    springfield = mentions(extractor, "Police in Springfield said the suspect fled.")[0]
    assert springfield.reason.startswith("largest of ") and springfield.reason.endswith(" 'Springfield' candidates")
    assert len(springfield.alternatives) == 3


def test_resolve_state_named_like_a_country_among_its_own_places(extractor):
    """"Georgia" next to Georgia's counties is the state; next to Tbilisi it is the country."""
    state = places(extractor, "Two Northeast Georgia counties, Barrow County and Jackson County, grew fastest in Georgia.")
    assert state["Georgia"].precision == "admin1" and state["Georgia"].country_code == "US"
    dateline = places(extractor, "ATLANTA - A dialing code links needy Georgia residents with food pantries, "
                                 "officials in Atlanta said.")
    assert dateline["Georgia"].precision == "admin1" and dateline["Georgia"].country_code == "US"
    city = places(extractor, "Subway service between Brooklyn and Manhattan resumed, New York officials said.")
    assert city["New York"].precision == "settlement"  # places inside the state lie beside its namesake city too
    country = places(extractor, "Talks in Tbilisi ended as Georgia and Russia traded accusations.")
    assert country["Georgia"].precision == "country" and country["Georgia"].country_code == "GE"


def test_resolve_nearby_places_across_a_state_line_support_each_other(extractor):
    """Columbus, Georgia faces Phenix City, Alabama across the river: distance, not the admin-1 region, ties them."""
    found = places(extractor, "Voters lined up in Columbus and in Phenix City on Tuesday.")
    assert found["Columbus"].admin1_code == "GA" and found["Phenix City"].admin1_code == "AL"
    reason = {m.text: m.reason for m in extract_one(extractor, "Voters lined up in Columbus and in Phenix City.", date(2022, 10, 1)).places}
    assert reason["Columbus"] == "near 1 other place in the article (same admin-1, Georgia, or within 50 km)"


def test_resolve_alternatives_with_the_same_name_read_differently(extractor):
    """An analyst reading "also considered" must tell the other Boone Counties apart."""
    boone = [m for m in mentions(extractor, "Deputies in Boone County arrested two men.") if m.text == "Boone County"][0]
    assert len(boone.alternatives) == 3 and len(set(boone.alternatives)) == 3
    assert all(a.startswith("Boone County, admin2 in ") and a.endswith(", US") for a in boone.alternatives)


def test_resolve_town_and_the_county_around_it_pick_each_other(extractor):
    """Lebanon, Ohio lies in Warren County, Ohio: a reading a few km from another name's reading outweighs the
    country Lebanon, and picks the right one of many Warren Counties."""
    found = places(extractor, "Police in Lebanon said the man was held in the Warren County jail.")
    assert (found["Lebanon"].country_code, found["Lebanon"].admin1_code) == ("US", "OH")
    county = [p for text, p in found.items() if text.startswith("Warren County")][0]
    assert (county.precision, county.admin1_code) == ("admin2", "OH")


def test_resolve_sharing_only_a_big_state_is_weak_evidence(extractor):
    """Two towns of one big state, 150 km apart, are not enough to move "Paris" from France."""
    assert places(extractor, "A Paris man was hurt in a crash. He was flown to a hospital in Dallas.")["Paris"].country_code == "FR"


def test_resolve_region_named_anywhere_in_the_article_supports_its_towns(extractor):
    found = places(extractor, "The Dublin council met on Monday. Ohio officials attended the meeting.")
    assert (found["Dublin"].country_code, found["Dublin"].admin1_code) == ("US", "OH")


def test_resolve_qualifier_itself_is_the_region(extractor):
    """"La." after "Sulphur," is Louisiana, not Los Angeles (whose short name is LA)."""
    found = places(extractor, "The family moved from California to Sulphur, La., in 2005.")
    assert (found["La."].precision, found["La."].admin1_code) == ("admin1", "LA")
    assert found["Sulphur"].admin1_code == "LA"


def test_resolve_qualifier_named_like_a_big_city_is_the_region(extractor):
    """A bare "Washington" is the capital, but in "Tacoma, Washington" it is the state."""
    found = places(extractor, "A baker from Tacoma, Washington, shared her recipes.")
    assert (found["Washington"].precision, found["Washington"].admin1_code) == ("admin1", "WA")
    assert found["Tacoma"].admin1_code == "WA"
    assert places(extractor, "Lawmakers returned to Washington on Monday.")["Washington"].feature_code == "PPLC"


def test_resolve_tiny_admin_district_does_not_outrank_a_city(extractor):
    """Saint Louis is also a district of the Seychelles, whose people a city of 280,000 outnumbers."""
    st_louis = places(extractor, "Storms knocked out power across St. Louis on Monday.")["St. Louis"]
    assert (st_louis.precision, st_louis.country_code) == ("settlement", "US")


def test_resolve_abbreviated_mount_finds_the_town_by_its_main_name(extractor):
    """Mount Pleasant, Iowa lists no "Mt. Pleasant" among its alternate names."""
    found = places(extractor, "The Mt. Pleasant council met in Mt. Pleasant, Iowa, on Monday.")
    assert (found["Mt. Pleasant"].name, found["Mt. Pleasant"].admin1_code) == ("Mount Pleasant", "IA")


def test_resolve_generic_geographic_words_are_not_foreign_districts(extractor):
    """"West Coast" is not the Gambian region of that name, nor "Islands" in "Farallon Islands" a district of
    Hong Kong: a span left without a place is better than a dot on the wrong continent."""
    text = "Storms battered the West Coast on Monday. Seals returned to the Farallon Islands."
    found = extract_one(extractor, text, date(2022, 10, 1)).places
    assert not [m for m in found if m.place is not None and m.place.country_code in ("GM", "HK")]


def test_resolve_ocean_is_not_outvoted_by_the_article_country(extractor):
    """An ocean lies in no country, so an article about Texas and Florida does not make "the Atlantic" the
    Iowa town of that name."""
    text = ("Forecasters in Texas and Florida expect a busy season. Storms form over the warm Atlantic "
            "and reach Houston and Miami by August.")
    atlantic = places(extractor, text)["Atlantic"]
    assert (atlantic.precision, atlantic.country_code) == ("other", "")


def test_resolve_town_missing_from_the_gazetteer_is_placed_at_its_qualifier(extractor):
    """No Rockingham in Northamptonshire is listed (only namesakes in Vermont and Australia): the qualifier says
    where it is. A big city before a region it does not lie in is a list item, not a town of that region."""
    found = extract_one(extractor, "The circuit in Rockingham, Northamptonshire, closed in 2018.", date(2022, 10, 1))
    rockingham = [m for m in found.places if m.text == "Rockingham"][0]
    assert (rockingham.place.name, rockingham.place.country_code) == ("Northamptonshire", "GB")
    assert "Northamptonshire" in rockingham.reason
    listed = places(extractor, "The band was due to play in Copenhagen, Hamburg, Brasov and Mannheim.")
    assert listed["Copenhagen"].country_code == "DK"


def test_resolve_city_state_university_is_the_city_and_a_named_state_the_state(extractor):
    """'San Diego State' (a university, a team) is in San Diego, not all over California; 'Kano State' names its
    own region."""
    found = places(extractor, "San Diego State beat Nevada on Saturday. Gunmen attacked a village in Kano State.")
    assert found["San Diego State"].precision == "settlement" and found["San Diego State"].admin1_code == "CA"
    assert found["Kano State"].precision == "admin1" and found["Kano State"].country_code == "NG"


def test_resolve_compass_words_inside_a_span_are_directions_not_places(extractor):
    """'North West England' is England, not South Africa's North West province; 'S.E. Paris' is not Sé, Macau."""
    found = places(extractor, "Floods hit North West England on Friday. A strike closed schools in S.E. Paris.")
    assert (found["North West England"].country_code, found["North West England"].precision) == ("GB", "admin1")
    paris = [p for name, p in found.items() if "Paris" in name]
    assert paris and all(p.country_code == "FR" for p in paris)


def test_resolve_district_named_after_a_town_is_the_town_and_a_party_letter_is_not_part_of_the_name(extractor):
    """No region is called 'Lancaster district': it lies around Lancaster. 'D-Iowa City' after a lawmaker's name
    is Iowa City."""
    found = places(extractor, "Flooding hit the Lancaster district of England. The bill was backed by state Sen. "
                              "Joe Bolkcom, D-Iowa City, and others.")
    assert (found["Lancaster district"].name, found["Lancaster district"].country_code) == ("Lancaster", "GB")
    assert (found["D-Iowa City"].name, found["D-Iowa City"].precision) == ("Iowa City", "settlement")


def test_resolve_bare_name_of_a_county_named_in_the_article_is_the_county(extractor):
    """Local news shortens 'DeKalb County' to 'DeKalb': the county, not DeKalb, Illinois (a city of 40,000)."""
    found = places(extractor, "The DeKalb County school board met on Monday. Teachers in DeKalb said the plan would cut "
                              "300 jobs.")
    assert found["DeKalb"].precision == "admin2" and found["DeKalb"].admin1_code == "GA"
    assert found["DeKalb"] == found["DeKalb County"]


def test_resolve_river_missing_from_the_gazetteer_is_placed_in_the_region_the_article_is_about(extractor):
    """No package lists rivers: 'Kanawha River' among West Virginian towns is placed at West Virginia, with low
    confidence and a reason saying so, rather than left off the map. A person's name stays unplaced."""
    found = {m.text: m for m in mentions(extractor, "Flood water from the Kanawha River reached Charleston and Nitro, "
                                                    "West Virginia, on Monday. Farrin said the plan would work.")}
    river = found["Kanawha River"]
    assert (river.place.precision, river.place.admin1_code) == ("admin1", "WV")
    assert river.confidence < 0.5 and "no 'Kanawha River' in the gazetteer" in river.reason
    assert all(m.place is None for text, m in found.items() if text == "Farrin")
