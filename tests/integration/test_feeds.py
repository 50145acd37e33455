#!/usr/bin/env python3
"""The open-data feeds: ParkAPI v3 parking sites, the legacy ParkAPI v1 city and DATEX II
Parking Light, each field checked against the lot it came from, every answer validated
against the formats' schemas (tests/data/feeds, with ajv from tests/feeds), and a change
shown in all three at once with new ETags."""

import datetime
import gzip
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import SOURCE_ROOT, DaemonTestCase, main, sample_lot, wait_for  # noqa: E402
import datex_light  # noqa: E402

FEEDS_DIR = os.path.join(SOURCE_ROOT, "tests", "feeds")
SCHEMAS = os.path.join(SOURCE_ROOT, "tests", "data", "feeds")
# The DATEX II Parking Light profile's own JSON Schema set (tests/data/feeds/README.md).
DATEX_SCHEMA = "datex2-parking-light"
CLOSED_HOURS = {"workday": "off", "weekend": "off"}
# Open by day every day: always a next change, whatever the hour of the run.
DAY_HOURS = {"workday": "08:00-18:00", "weekend": "08:00-18:00", "holiday": "08:00-18:00"}
DATEX_PATH = "/datex2/v3/parking-light.json"
DATEX_EN_PATH = "/datex2/v3/en/parking-light.json"
FEED_PATHS = ["/v3/parking-sites", "/v3/parking-sites/feed-open", "/parkapi/v1/feedcity",
              DATEX_PATH, DATEX_EN_PATH]


def parkapi_number(lot_id):
    """The ParkAPI number the daemon gives an id: its SHA-256's first 48 bits."""
    return int.from_bytes(hashlib.sha256(lot_id.encode()).digest()[:6], "big") or 1


def utc(stamp):
    """An RFC 3339 stamp of the lot API (local offset) as the feeds write it (UTC, seconds)."""
    moment = datetime.datetime.fromisoformat(stamp).astimezone(datetime.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


class FeedsTestCase(DaemonTestCase):
    def validate(self, schema, *documents, closed=False):
        """Validate documents with ajv against tests/data/feeds/<schema> (a file, or a DATEX II
        schema set; closed: no member the set does not define)."""
        self.assertTrue(os.path.isdir(os.path.join(FEEDS_DIR, "node_modules", "ajv")),
                        "ajv is not installed: run make feeds-deps")
        paths = []
        with tempfile.TemporaryDirectory() as directory:
            for index, document in enumerate(documents):
                paths.append(os.path.join(directory, f"{index}.json"))
                with open(paths[-1], "w") as out:
                    json.dump(document, out, ensure_ascii=False)
            result = subprocess.run(["node", "validate.mjs"] + (["--closed"] if closed else [])
                                    + [os.path.join(SCHEMAS, schema)] + paths,
                                    capture_output=True, text=True, cwd=FEEDS_DIR, timeout=60)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertEqual(result.stdout.strip(), f"valid: {len(documents)} documents")

    def validate_datex(self, publication):
        """A DATEX II Parking Light publication against the profile: its JSON Schema as published,
        the same closed to the members it defines, and its data dictionary element by element."""
        self.validate(DATEX_SCHEMA, publication)
        self.validate(DATEX_SCHEMA, publication, closed=True)
        self.assertEqual(datex_light.check(publication, "_PayloadPublication"), [])

    def feed(self, path):
        response = self.shared.get(path)
        self.assertEqual(response.status, 200, response.body)
        self.assertEqual(response.header("Content-Type"), "application/json")
        return response.json()

    def site(self, sites, lot_id):
        return next(site for site in sites if site.get("original_uid", site.get("_id")) == lot_id)


class FeedsTest(FeedsTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        lots = [
            ("feed-open", sample_lot(city="feedcity", hours=None, capacity=120, fee="paid",
                                     fee_note="首小时5元", notes="东门进出",
                                     groups=["east", "civic"]), 45),
            ("feed-full", sample_lot(city="feedcity", hours=None, capacity=30,
                                     district=None, address=None, fee=None), 30),
            ("feed-closed", sample_lot(city="feedcity", hours=CLOSED_HOURS, capacity=40), 10),
            ("feed-nodata", sample_lot(city="feedcity", hours=None, capacity=50), None),
            ("other-city", sample_lot(city="elsewhere", hours=DAY_HOURS, capacity=5), 1),
        ]
        for lot_id, body, occupied in lots:
            assert cls.shared.put_lot(lot_id, body).status == 201
            if occupied is not None:
                assert cls.shared.post_occupancy(lot_id, {"occupied": occupied}).status == 200
        cls.lots = {lot_id: cls.shared.get(f"/v1/lots/{lot_id}").json() for lot_id, _, _ in lots}

    def test_parkapi_v3_fields_of_an_open_lot(self):
        lot = self.lots["feed-open"]
        site = self.feed("/v3/parking-sites/feed-open")
        stamp = utc(lot["updated_at"])
        self.assertEqual(site, {
            "id": parkapi_number("feed-open"), "source_id": 1, "original_uid": "feed-open",
            "purpose": "CAR", "name": "Civic Centre East", "operator_name": "City Hall",
            "address": "1 Civic Road", "description": "东门进出", "type": "OTHER",
            "lat": 26.5705, "lon": 106.4707, "capacity": 120, "has_fee": True,
            "fee_description": "首小时5元", "opening_hours": lot["opening_hours"],
            "static_data_updated_at": stamp, "created_at": stamp, "modified_at": stamp,
            "has_realtime_data": True, "realtime_data_updated_at": stamp,
            "realtime_free_capacity": 75, "realtime_opening_status": "OPEN",
            "group": {"id": parkapi_number("east"), "original_uid": "east",
                      "created_at": stamp, "modified_at": stamp},
            "parkshare_kind": "government", "parkshare_city": "feedcity",
            "parkshare_district": "centre", "parkshare_groups": ["east", "civic"],
            "parkshare_state": "open"})
        self.assertIsNotNone(lot["opening_hours"])
        # The same site by its ParkAPI number, as ParkAPI clients address one.
        self.assertEqual(self.feed(f"/v3/parking-sites/{parkapi_number('feed-open')}"), site)

    def test_parkapi_v3_full_closed_and_no_count(self):
        sites = self.feed("/v3/parking-sites")
        self.assertEqual(sites["total_count"], 5)
        # ParkAPI's order: by site number.
        self.assertEqual([site["original_uid"] for site in sites["items"]],
                         sorted(self.lots, key=parkapi_number))
        full = self.site(sites["items"], "feed-full")
        self.assertEqual((full["realtime_free_capacity"], full["realtime_opening_status"],
                          full["parkshare_state"]), (0, "OPEN", "full"))
        self.assertNotIn("has_fee", full)
        self.assertNotIn("address", full)
        self.assertNotIn("parkshare_district", full)
        closed = self.site(sites["items"], "feed-closed")
        self.assertEqual((closed["has_realtime_data"], closed["realtime_free_capacity"],
                          closed["realtime_opening_status"], closed["parkshare_state"]),
                         (True, 30, "CLOSED", "closed"))
        # Closed all week: no next change is known, and none is sent.
        self.assertIsNone(self.lots["feed-closed"]["next_change"])
        self.assertNotIn("parkshare_next_change", closed)
        by_day = self.site(sites["items"], "other-city")
        self.assertEqual(by_day["parkshare_next_change"],
                         utc(self.lots["other-city"]["next_change"]))
        self.assertEqual(closed["has_fee"], False)
        nodata = self.site(sites["items"], "feed-nodata")
        self.assertIs(nodata["has_realtime_data"], False)
        self.assertEqual([key for key in nodata if key.startswith("realtime_")], [])
        self.assertEqual(nodata["parkshare_state"], "unknown")

    def test_parkapi_v1_city(self):
        city = self.feed("/parkapi/v1/feedcity")
        newest = max(utc(self.lots[lot_id]["updated_at"])
                     for lot_id in ("feed-open", "feed-full", "feed-closed"))
        self.assertEqual(city["last_updated"], newest)
        self.assertRegex(city["last_downloaded"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        self.assertEqual(city["data_source"], "parkshare")
        lots = {lot["id"]: lot for lot in city["lots"]}
        self.assertEqual(sorted(lots), ["feed-closed", "feed-full", "feed-nodata", "feed-open"])
        self.assertEqual(lots["feed-open"], {
            "id": "feed-open", "name": "Civic Centre East",
            "coords": {"lat": 26.5705, "lng": 106.4707}, "total": 120, "free": 75,
            "state": "open", "lot_type": "government", "region": "centre",
            "address": "1 Civic Road", "opening_hours": self.lots["feed-open"]["opening_hours"],
            "forecast": False})
        self.assertEqual((lots["feed-full"]["free"], lots["feed-full"]["state"],
                          lots["feed-full"]["region"], lots["feed-full"]["address"]),
                         (0, "open", None, None))
        self.assertEqual((lots["feed-closed"]["free"], lots["feed-closed"]["state"]),
                         (30, "closed"))
        self.assertEqual(lots["feed-nodata"]["state"], "nodata")
        self.assertNotIn("free", lots["feed-nodata"])

    def test_datex_light(self):
        document = self.feed("/datex2/v3/parking-light.json")
        self.assertEqual({key: document[key] for key in document if key.startswith("_")}, {
            "_version": "3.0", "_modelBaseVersion": "3", "_profileName": "ParkingLight",
            "_profileVersion": "02-00-00"})
        light = document["parkingPublicationLight"]
        self.assertEqual((light["name"], light["lang"], light["parkingSpace"],
                          light["publicationCreator"]),
                         ("parkshare", "zh", [],
                          {"country": "CN", "nationalIdentifier": "parkshare"}))
        self.assertRegex(light["publicationTime"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        self.assertEqual(len(light["parkingSite"]), 5)
        lot = self.lots["feed-open"]
        self.assertEqual(self.site(light["parkingSite"], "feed-open"), {
            "_id": "feed-open", "type": {"value": "other"},
            "locationAndDimension": {
                "coordinatesForDisplay": {"latitude": 26.5705, "longitude": 106.4707},
                "locationDescriptor": "1 Civic Road"},
            "name": "Civic Centre East", "description": "东门进出", "numberOfSpaces": 120,
            "availableSpaces": 75, "isOpenNow": True, "temporaryClosed": False,
            "lastUpdate": utc(lot["updated_at"]), "freeParking": False,
            "tariffDescription": ["首小时5元"], "openingTimesDescription": [lot["opening_hours"]],
            "operatorInformation": ["City Hall"]})
        full = self.site(light["parkingSite"], "feed-full")
        self.assertEqual((full["availableSpaces"], full["isOpenNow"]), (0, True))
        self.assertNotIn("freeParking", full)
        closed = self.site(light["parkingSite"], "feed-closed")
        self.assertEqual((closed["availableSpaces"], closed["isOpenNow"], closed["freeParking"]),
                         (30, False, True))
        nodata = self.site(light["parkingSite"], "feed-nodata")
        self.assertNotIn("availableSpaces", nodata)
        self.assertNotIn("lastUpdate", nodata)

    def test_every_answer_validates_against_its_schema(self):
        sites = self.feed("/v3/parking-sites")
        items = [self.feed(f"/v3/parking-sites/{site['original_uid']}") for site in sites["items"]]
        self.validate("parkapi-v3-parking-site.schema.json", sites, *items)
        self.validate("parkapi-v1-city.schema.json", self.feed("/parkapi/v1/feedcity"),
                      self.feed("/parkapi/v1/elsewhere"))
        self.validate_datex(self.feed(DATEX_PATH))
        self.validate_datex(self.feed(DATEX_EN_PATH))

    def test_the_profiles_own_example_passes_the_same_checks(self):
        """The validator and the dictionary read the profile as its authors meant: the example
        published with it (Belgian cities) passes both; "$schema" is the example's own note."""
        with open(os.path.join(SCHEMAS, DATEX_SCHEMA, "example-belgium-cities.json")) as source:
            example = json.load(source)
        self.validate(DATEX_SCHEMA, example)
        del example["$schema"]
        self.validate(DATEX_SCHEMA, example, closed=True)
        # Its lang is a placeholder the schema takes (a string) and the dictionary does not
        # (ISO 639-1's two letters): the one element the example gets wrong.
        self.assertEqual(datex_light.check(example, "_PayloadPublication"), [
            "publication.parkingPublicationLight.lang: 'cccccc' is not a Language"])

    def test_schemas_refuse_what_they_should(self):
        """The validator can fail: a broken answer of each format is refused."""
        site = self.feed("/v3/parking-sites/feed-open")
        result = subprocess.run(
            ["node", "validate.mjs", os.path.join(SCHEMAS, "parkapi-v3-parking-site.schema.json"),
             "/dev/stdin"], input=json.dumps(dict(site, type="GARAGE")), capture_output=True,
            text=True, cwd=FEEDS_DIR, timeout=60)
        self.assertEqual(result.returncode, 1)
        self.assertIn("must be equal to one of the allowed values", result.stderr)
        city = self.feed("/parkapi/v1/feedcity")
        city["lots"][0]["state"] = "busy"
        result = subprocess.run(
            ["node", "validate.mjs", os.path.join(SCHEMAS, "parkapi-v1-city.schema.json"),
             "/dev/stdin"], input=json.dumps(city), capture_output=True, text=True,
            cwd=FEEDS_DIR, timeout=60)
        self.assertEqual(result.returncode, 1)
        original = self.feed("/datex2/v3/parking-light.json")
        # Each: a broken publication, the schema's message, the dictionary's, closed only.
        cases = [
            (lambda light, site: site.pop("locationAndDimension"),
             "must have required property 'locationAndDimension'",
             "ParkingSite requires locationAndDimension", False),
            # ParkAPI v3's /datex2/json writes enumerations as bare strings.
            (lambda light, site: site.update(type="other"), "/type must be object",
             "'other' is not a ParkingSiteTypeEnum", False),
            (lambda light, site: site.update(type={"value": "garage"}),
             "must be equal to one of the allowed values", "is not a ParkingSiteTypeEnum", False),
            (lambda light, site: light.pop("publicationCreator"),
             "must have required property 'publicationCreator'",
             "ParkingPublicationLight requires publicationCreator", False),
            (lambda light, site: site.update(numberOfSpaces=-1), "must be >= 0",
             "-1 is not a NonNegativeInteger", False),
            (lambda light, site: site.update(tariffDescription="free"), "must be array",
             "tariffDescription: 0..* is an array", False),
            (lambda light, site: site.update(parkshare_kind="government"),
             "must NOT have additional properties", "parkshare_kind is no member of ParkingSite",
             True),
        ]
        for breaks, message, dictionary_says, closed_only in cases:
            document = json.loads(json.dumps(original))
            light = document["parkingPublicationLight"]
            breaks(light, light["parkingSite"][0])
            for closed in (False, True):
                result = subprocess.run(
                    ["node", "validate.mjs"] + (["--closed"] if closed else [])
                    + [os.path.join(SCHEMAS, DATEX_SCHEMA), "/dev/stdin"],
                    input=json.dumps(document), capture_output=True, text=True, cwd=FEEDS_DIR,
                    timeout=60)
                if closed_only and not closed:
                    self.assertEqual(result.returncode, 0, message)
                    continue
                self.assertEqual(result.returncode, 1, message)
                self.assertIn(message, result.stderr)
            self.assertTrue(any(dictionary_says in error for error in datex_light.check(
                document, "_PayloadPublication")), dictionary_says)

    def test_etags_304_and_gzip(self):
        for path in FEED_PATHS:
            first = self.shared.get(path)
            self.assertRegex(first.header("ETag") or "", r'^"[^"]+"$', path)
            again = self.shared.get(path, headers={"If-None-Match": first.header("ETag")})
            self.assertEqual(again.status, 304, path)
            self.assertEqual(again.body, b"")
        # The whole-city documents, each kept in a slot of its own: the same bytes and ETag
        # again, a gzip copy under its own ETag, and a 304 for the tag of the encoding asked for.
        for path in (DATEX_PATH, DATEX_EN_PATH, "/parkapi/v1/feedcity"):
            plain = self.shared.get(path)
            self.assertEqual(plain.status, 200, path)
            again = self.shared.get(path)
            self.assertEqual((again.body, again.header("ETag")), (plain.body, plain.header("ETag")))
            packed = self.shared.get(path, headers={"Accept-Encoding": "gzip"})
            self.assertEqual(packed.header("Content-Encoding"), "gzip", path)
            self.assertEqual(gzip.decompress(packed.body), plain.body, path)
            self.assertEqual(packed.header("ETag"), plain.header("ETag")[:-1] + '-gzip"', path)
            self.assertIn("Accept-Encoding", packed.header("Vary") or "", path)
            for etag, encoding in ((plain.header("ETag"), "identity"),
                                   (packed.header("ETag"), "gzip")):
                revalidated = self.shared.get(path, headers={"If-None-Match": etag,
                                                             "Accept-Encoding": encoding})
                self.assertEqual(revalidated.status, 304, (path, etag))
        # No limit is ParkAPI's largest page: the same kept answer as limit=1000.
        self.assertEqual(self.shared.get("/v3/parking-sites").header("ETag"),
                         self.shared.get("/v3/parking-sites?limit=1000").header("ETag"))

    def command_counts(self):
        """Redis' calls per command, less the daemon's health PINGs and this INFO."""
        counts = {}
        for line in self.shared.redis_cli("INFO", "commandstats").splitlines():
            if line.startswith("cmdstat_"):
                name, fields = line[len("cmdstat_"):].split(":", 1)
                counts[name] = int(fields.split(",")[0].split("=")[1])
        return {name: calls for name, calls in counts.items() if name not in ("ping", "info")}

    def test_reads_cost_no_redis_call(self):
        for path in FEED_PATHS:
            self.feed(path)  # built once after the set-up's changes
        self.assertGreater(self.command_counts().get("evalsha", 0), 0)  # the writes are seen
        # Rounds of every feed read, each between two counts of Redis's commands. The
        # forecasts' refresh reads one lot's history every 2 s, whatever the reads do, so
        # a few rounds may see its calls; a read that cost a call would show in every one.
        started, busy_rounds = time.monotonic(), 0
        for _ in range(30):
            before = self.command_counts()
            for path in FEED_PATHS + ["/parkapi/v1/elsewhere", "/v3/parking-sites/nope"]:
                self.shared.get(path)
            busy_rounds += self.command_counts() != before
        refreshes = int((time.monotonic() - started) / 2) + 1
        self.assertLessEqual(busy_rounds, min(refreshes, 10))

    def test_unknown_id_or_city_is_a_404_problem(self):
        self.assertProblem(self.shared.get("/v3/parking-sites/no-such-lot"), 404, "not-found",
                           "no parking site 'no-such-lot'")
        self.assertProblem(self.shared.get("/v3/parking-sites/12345"), 404, "not-found",
                           "no parking site '12345'")
        self.assertProblem(self.shared.get("/parkapi/v1/atlantis"), 404, "not-found",
                           "no city 'atlantis'")

    def test_query_parameters_are_refused(self):
        for path in FEED_PATHS[1:]:
            document = self.assertProblem(self.shared.get(path + "?limit=5"), 400, "bad-request",
                                          "limit: this feed takes no query parameters")
            self.assertEqual(document["errors"],
                             [{"field": "limit", "rule": "this feed takes no query parameters"}])
        document = self.assertProblem(self.shared.get("/v3/parking-sites?city=feedcity"), 400,
                                      "bad-request", "city: not a parameter of this list")
        self.assertEqual(document["errors"],
                         [{"field": "city", "rule": "not a parameter of this list"}])
        for query, field, rule in [
                ("limit=0", "limit", "must be a whole number from 1 to 1000"),
                ("limit=1001", "limit", "must be a whole number from 1 to 1000"),
                ("start=x", "start", "must be a site number of at least 1"),
                ("purpose=BOAT", "purpose", "must be one of CAR, BIKE, MOTORCYCLE, ITEM"),
                ("lat=26.5&lon=106.5", "radius",
                 "lat, lon and radius have all to be set if one is set"),
                ("ignore_duplicates=maybe", "ignore_duplicates", "must be true or false")]:
            document = self.assertProblem(self.shared.get("/v3/parking-sites?" + query), 400,
                                          "bad-request", f"{field}: {rule}")
            self.assertEqual(document["errors"], [{"field": field, "rule": rule}])

    def test_v3_list_pages_by_site_number(self):
        """ParkAPI's cursor pages: by number, start=next_id, total_count before the pages."""
        everything = self.feed("/v3/parking-sites")
        numbers = [site["id"] for site in everything["items"]]
        self.assertEqual(numbers, sorted(parkapi_number(lot_id) for lot_id in self.lots))
        self.assertEqual(everything["total_count"], 5)
        self.assertNotIn("next_id", everything)
        seen, path = [], "/v3/parking-sites?limit=2"
        while path:
            page = self.feed(path)
            self.assertEqual(page["total_count"], 5)
            self.assertLessEqual(len(page["items"]), 2)
            seen += [site["id"] for site in page["items"]]
            path = page.get("next_path")
            if path:
                self.assertEqual(page["next_id"], numbers[len(seen)])
                self.assertEqual(path, f"/v3/parking-sites?limit=2&start={page['next_id']}")
        self.assertEqual(seen, numbers)
        self.validate("parkapi-v3-parking-site.schema.json", self.feed(
            "/v3/parking-sites?limit=2"))

    def test_v3_list_filters(self):
        def uids(query):
            return [site["original_uid"]
                    for site in self.feed("/v3/parking-sites?" + query)["items"]]
        lot = self.lots["other-city"]
        where = f"lat={lot['location']['lat']}&lon={lot['location']['lon']}"
        by_number = sorted(self.lots, key=parkapi_number)
        self.assertEqual(uids(where + "&radius=50"), by_number)
        self.assertEqual(uids(f"location={lot['location']['lat']},{lot['location']['lon']}"
                              "&radius=50"), by_number)
        self.assertEqual(uids("lat=0&lon=0&radius=100000"), [])
        self.assertEqual(sorted(uids("source_uid=parkshare&purpose=CAR")), sorted(self.lots))
        self.assertEqual(uids("source_uid=elsewhere"), [])
        self.assertEqual(uids("purpose=BIKE"), [])
        # ParkAPI matches names as ILIKE does: a part, without regard to ASCII case.
        self.assertEqual(self.lots["feed-open"]["name"], "Civic Centre East")
        self.assertEqual(sorted(uids("name=civic%20CENTRE")), sorted(self.lots))
        self.assertEqual(uids("name=Harbour"), [])

class FeedSpacesTest(FeedsTestCase):
    """A lot's space types as ParkAPI v3 restrictions and per-type capacities, and as DATEX II
    assignedFor, with free counts only while a type's count is fresh."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        spaces = {"disabled": {"capacity": 4}, "charging": {"capacity": 6},
                  "motorcycle": {"capacity": 8},
                  "reserved": {"capacity": 10, "note": "办事大厅群众优先"}}
        assert cls.shared.put_lot("typed", sample_lot(city="typecity", hours=None, capacity=80,
                                                      spaces=spaces)).status == 201
        assert cls.shared.post_occupancy("typed", {"occupied": 2, "space": "charging"}).status \
            == 200

    def test_parkapi_v3_restrictions_and_capacities(self):
        site = self.feed("/v3/parking-sites/typed")
        # ParkAPI names no motorcycle or reserved restriction: those two are left out.
        self.assertEqual(site["restrictions"], [{"type": "DISABLED"}, {"type": "CHARGING"}])
        self.assertEqual((site["capacity_disabled"], site["capacity_charging"]), (4, 6))
        self.assertEqual(site["realtime_free_capacity_charging"], 4)
        self.assertNotIn("realtime_free_capacity_disabled", site)  # never counted
        self.validate("parkapi-v3-parking-site.schema.json", site)

    def test_datex_assigned_for(self):
        publication = self.feed("/datex2/v3/parking-light.json")
        site = next(site for site in publication["parkingPublicationLight"]["parkingSite"]
                    if site["_id"] == "typed")
        only = {"value": "onlyFor"}
        self.assertEqual(site["assignedFor"], [
            {"typeOfAssignment": only, "user": {"value": "disabled"}},
            {"typeOfAssignment": only, "fuelType": {"value": "battery"}, "availableSpaces": 4},
            {"typeOfAssignment": only, "vehicleType": {"value": "motorcycle"}},
            {"typeOfAssignment": only, "user": {"value": "other"},
             "additionalAssignment": "办事大厅群众优先"}])
        self.validate_datex(publication)
        # In English the reserved spaces' Chinese note gives way to the word; the rest stays.
        english = self.feed(DATEX_EN_PATH)
        self.assertEqual(self.site(english["parkingPublicationLight"]["parkingSite"], "typed")
                         ["assignedFor"], site["assignedFor"][:3] + [
            {"typeOfAssignment": only, "user": {"value": "other"},
             "additionalAssignment": "reserved"}])
        self.validate_datex(english)


class DatexEnglishTest(FeedsTestCase):
    """The English DATEX II publication beside the Chinese one: a lot's English name where it
    has one and its own name where not, the fee and the leave-by rule in English, no Chinese
    prose; both checked against the profile as the Chinese one is."""

    LANGUAGE_NEUTRAL = ("_id", "type", "locationAndDimension", "numberOfSpaces",
                        "availableSpaces", "isOpenNow", "temporaryClosed", "lastUpdate",
                        "freeParking", "operatorInformation")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        named = sample_lot(city="encity", name="市政府停车场", capacity=40,
                           names={"fr": "Parking de la mairie", "en": "City Hall Car Park"},
                           operator="清镇市人民政府", address="云岭东路1号", notes="东门进出",
                           fee="free", fee_note="开放时段免费", hours=DAY_HOURS,
                           leave_by={"time": "07:30", "on": "next_workday"},
                           spaces={"reserved": {"capacity": 4, "note": "值班车辆"}})
        plain = sample_lot(city="encity", name="河边停车场", capacity=12, hours=None,
                           operator=None, address=None, fee="paid", fee_note="每小时2元")
        assert cls.shared.put_lot("en-named", named).status == 201
        assert cls.shared.put_lot("en-plain", plain).status == 201
        assert cls.shared.post_occupancy("en-named", {"occupied": 10}).status == 200
        cls.lots = {lot_id: cls.shared.get(f"/v1/lots/{lot_id}").json()
                    for lot_id in ("en-named", "en-plain")}

    def sites(self, path):
        light = self.feed(path)["parkingPublicationLight"]
        return {site["_id"]: site for site in light["parkingSite"]}

    def test_a_lot_with_an_english_name(self):
        lot = self.lots["en-named"]
        common = {
            "_id": "en-named", "type": {"value": "other"},
            "locationAndDimension": {
                "coordinatesForDisplay": {"latitude": 26.5705, "longitude": 106.4707},
                "locationDescriptor": "云岭东路1号"},
            "numberOfSpaces": 40, "availableSpaces": 30, "isOpenNow": lot["open_now"],
            "temporaryClosed": False, "lastUpdate": utc(lot["updated_at"]),
            "freeParking": True, "operatorInformation": ["清镇市人民政府"]}
        self.assertEqual(self.sites(DATEX_PATH)["en-named"], dict(
            common, name="市政府停车场", description="东门进出", tariffDescription=["开放时段免费"],
            openingTimesDescription=[lot["opening_hours"], "请于次一工作日 07:30 前驶离"],
            assignedFor=[{"typeOfAssignment": {"value": "onlyFor"}, "user": {"value": "other"},
                          "additionalAssignment": "值班车辆"}]))
        self.assertEqual(self.sites(DATEX_EN_PATH)["en-named"], dict(
            common, name="City Hall Car Park", tariffDescription=["Free of charge"],
            openingTimesDescription=[lot["opening_hours"],
                                     "Leave by 07:30 on the next workday"],
            assignedFor=[{"typeOfAssignment": {"value": "onlyFor"}, "user": {"value": "other"},
                          "additionalAssignment": "reserved"}]))

    def test_a_lot_without_one_keeps_its_own_name(self):
        lot = self.lots["en-plain"]
        common = {
            "_id": "en-plain", "type": {"value": "other"},
            "locationAndDimension": {
                "coordinatesForDisplay": {"latitude": 26.5705, "longitude": 106.4707}},
            "name": "河边停车场", "numberOfSpaces": 12, "isOpenNow": True,
            "temporaryClosed": False, "freeParking": False,
            "openingTimesDescription": [lot["opening_hours"]]}
        self.assertEqual(lot["opening_hours"], "24/7")
        self.assertEqual(self.sites(DATEX_PATH)["en-plain"],
                         dict(common, tariffDescription=["每小时2元"]))
        self.assertEqual(self.sites(DATEX_EN_PATH)["en-plain"],
                         dict(common, tariffDescription=["Charges apply"]))

    def test_both_publications_pass_the_profile_and_agree_on_the_facts(self):
        chinese, english = self.feed(DATEX_PATH), self.feed(DATEX_EN_PATH)
        self.validate_datex(chinese)
        self.validate_datex(english)
        self.assertEqual((chinese["parkingPublicationLight"]["lang"],
                          english["parkingPublicationLight"]["lang"]), ("zh", "en"))
        for document in (chinese, english):
            # Each is built on its first read: publicationTime may be a second apart.
            for member in ("lang", "publicationTime"):
                del document["parkingPublicationLight"][member]
            for site in document["parkingPublicationLight"]["parkingSite"]:
                for member in set(site) - set(self.LANGUAGE_NEUTRAL):
                    del site[member]
        self.assertEqual(chinese, english)

    def test_other_languages_are_not_found(self):
        for language in ("fr", "zh-Hant", "EN"):
            self.assertProblem(self.shared.get(f"/datex2/v3/{language}/parking-light.json"),
                               404, "not-found")


class FeedChangeTest(FeedsTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        assert cls.shared.put_lot("moving", sample_lot(city="movecity", hours=None,
                                                       capacity=20)).status == 201
        assert cls.shared.post_occupancy("moving", {"occupied": 5}).status == 200

    def snapshot(self):
        answers = {path: self.shared.get(path) for path in
                   ("/v3/parking-sites", "/v3/parking-sites/moving", "/parkapi/v1/movecity",
                    DATEX_PATH, DATEX_EN_PATH)}
        return {path: (answer.header("ETag"), answer.json()) for path, answer in answers.items()}

    def free_counts(self, answers):
        return (answers["/v3/parking-sites"][1]["items"][0]["realtime_free_capacity"],
                answers["/v3/parking-sites/moving"][1]["realtime_free_capacity"],
                answers["/parkapi/v1/movecity"][1]["lots"][0]["free"],
                answers[DATEX_PATH][1]["parkingPublicationLight"]["parkingSite"][0]
                ["availableSpaces"],
                answers[DATEX_EN_PATH][1]["parkingPublicationLight"]["parkingSite"][0]
                ["availableSpaces"])

    def test_a_count_and_a_lot_change_show_in_every_feed_with_new_etags(self):
        before = self.snapshot()
        self.assertEqual(self.free_counts(before), (15, 15, 15, 15, 15))
        self.assertEqual(self.shared.post_occupancy("moving", {"occupied": 12}).status, 200)
        after = self.snapshot()
        self.assertEqual(self.free_counts(after), (8, 8, 8, 8, 8))
        for path in before:
            self.assertNotEqual(before[path][0], after[path][0], path)
        # The old ETag no longer matches: a cache revalidating gets the new answer.
        for path, (etag, _) in before.items():
            self.assertEqual(self.shared.get(path, headers={"If-None-Match": etag}).status, 200)
        self.assertEqual(self.shared.put_lot("moving", sample_lot(
            city="movecity", hours=None, capacity=20, name="移动大厅停车场")).status, 200)
        renamed = self.snapshot()
        self.assertEqual([renamed["/v3/parking-sites"][1]["items"][0]["name"],
                          renamed["/v3/parking-sites/moving"][1]["name"],
                          renamed["/parkapi/v1/movecity"][1]["lots"][0]["name"],
                          renamed[DATEX_PATH][1]["parkingPublicationLight"]["parkingSite"][0]
                          ["name"],
                          renamed[DATEX_EN_PATH][1]["parkingPublicationLight"]["parkingSite"][0]
                          ["name"]], ["移动大厅停车场"] * 5)
        for path in before:
            self.assertNotEqual(after[path][0], renamed[path][0], path)
        # An English name: the English publication's name; the others keep the lot's own.
        self.assertEqual(self.shared.put_lot("moving", sample_lot(
            city="movecity", hours=None, capacity=20, name="移动大厅停车场",
            names={"en": "Moved Hall"})).status, 200)
        english = self.snapshot()
        self.assertEqual([english[path][1]["parkingPublicationLight"]["parkingSite"][0]["name"]
                          for path in (DATEX_PATH, DATEX_EN_PATH)],
                         ["移动大厅停车场", "Moved Hall"])
        self.assertNotEqual(renamed[DATEX_EN_PATH][0], english[DATEX_EN_PATH][0])


    def test_a_city_is_found_or_refused_as_its_lots_come_and_go(self):
        """The set of cities that refuses an unknown one follows a lot's city at once."""
        def city_ids(city):
            return [lot["id"] for lot in self.feed(f"/parkapi/v1/{city}")["lots"]]

        def refused(city):
            self.assertProblem(self.shared.get(f"/parkapi/v1/{city}"), 404, "not-found",
                               f"no city '{city}'")

        refused("firsttown")
        self.assertEqual(self.shared.put_lot("wanderer", sample_lot(
            city="firsttown", hours=None, capacity=4)).status, 201)
        self.addCleanup(self.shared.as_admin, "DELETE", "/v1/lots/wanderer")
        self.assertEqual(city_ids("firsttown"), ["wanderer"])
        refused("secondtown")
        self.assertEqual(self.shared.put_lot("wanderer", sample_lot(
            city="secondtown", hours=None, capacity=4)).status, 200)
        self.assertEqual(city_ids("secondtown"), ["wanderer"])
        refused("firsttown")
        self.assertEqual(self.shared.as_admin("DELETE", "/v1/lots/wanderer").status, 204)
        refused("secondtown")
        self.assertEqual(city_ids("movecity"), ["moving"])


class StaleCountFeedTest(FeedsTestCase):
    """A count older than stale_after: served as ParkAPI serves outdated data."""

    daemon_settings = {"stale_after": "1"}

    def test_a_stale_count_has_no_realtime_fields(self):
        self.assertEqual(self.shared.put_lot("old-count", sample_lot(
            city="stalecity", hours=None, capacity=10)).status, 201)
        self.assertEqual(self.shared.post_occupancy("old-count", {"occupied": 3}).status, 200)
        updated_at = self.shared.get("/v1/lots/old-count").json()["updated_at"]
        wait_for(lambda: self.shared.get("/v1/lots/old-count").json()["state"] == "unknown",
                 what="the count to turn stale")
        site = self.feed("/v3/parking-sites/old-count")
        self.assertIs(site["has_realtime_data"], False)
        self.assertEqual([key for key in site if key.startswith("realtime_")], [])
        self.assertEqual(site["parkshare_state"], "unknown")
        # The static stand-in time is still the count's, not the build's.
        self.assertEqual(site["static_data_updated_at"], utc(updated_at))
        lot = self.feed("/parkapi/v1/stalecity")["lots"][0]
        self.assertEqual(lot["state"], "nodata")
        self.assertNotIn("free", lot)
        datex = self.feed("/datex2/v3/parking-light.json")["parkingPublicationLight"]
        site = datex["parkingSite"][0]
        self.assertNotIn("availableSpaces", site)
        self.assertEqual(site["lastUpdate"], utc(updated_at))
        self.assertEqual(site["isOpenNow"], True)


class DemoCityFeedTest(FeedsTestCase):
    """The shipped demo city: Chinese texts, real hours, every lot valid in every format."""

    load_demo = True

    def test_city_hall_in_every_format(self):
        lot = self.shared.get("/v1/lots/gov-city-hall").json()
        site = self.feed("/v3/parking-sites/gov-city-hall")
        self.assertEqual({key: site.get(key) for key in (
            "id", "original_uid", "name", "operator_name", "address", "description", "type",
            "lat", "lon", "capacity", "has_fee", "fee_description", "opening_hours", "group",
            "parkshare_kind", "parkshare_city", "parkshare_district", "parkshare_groups")}, {
            "id": parkapi_number("gov-city-hall"), "original_uid": "gov-city-hall",
            "name": "市政府大院停车场", "operator_name": "清镇市人民政府",
            "address": "清镇市云岭东路1号", "description": lot["notes"], "type": "OTHER",
            "lat": 26.557173, "lon": 106.466316, "capacity": 150, "has_fee": False,
            "fee_description": "开放时段免费；次一工作日07:30后仍未驶离的，超时部分按市场价收费",
            "opening_hours": lot["opening_hours"],
            "group": {"id": parkapi_number("admin-centre"), "original_uid": "admin-centre",
                      "created_at": site["static_data_updated_at"],
                      "modified_at": site["static_data_updated_at"]},
            "parkshare_kind": "government", "parkshare_city": "qingzhen",
            "parkshare_district": "qingcheng", "parkshare_groups": ["admin-centre"]})
        self.assertEqual(site["has_realtime_data"], lot["free"] is not None)
        self.assertEqual(site.get("realtime_free_capacity"), lot["free"])
        city = {entry["id"]: entry for entry in self.feed("/parkapi/v1/qingzhen")["lots"]}
        self.assertEqual(city["gov-city-hall"]["region"], "qingcheng")
        self.assertEqual(city["gov-city-hall"].get("free"), lot["free"])
        sites = self.feed("/datex2/v3/parking-light.json")["parkingPublicationLight"]["parkingSite"]
        datex = self.site(sites, "gov-city-hall")
        self.assertEqual((datex["name"], datex["freeParking"], datex["tariffDescription"],
                          datex["operatorInformation"], datex["isOpenNow"]),
                         ("市政府大院停车场", True,
                          ["开放时段免费；次一工作日07:30后仍未驶离的，超时部分按市场价收费"],
                          ["清镇市人民政府"], lot["open_now"]))
        # The demo's lots have no English names: the English site keeps the lot's own name,
        # and says the fee and the leave-by rule in English; the notes are left out.
        english = self.site(self.feed(DATEX_EN_PATH)["parkingPublicationLight"]["parkingSite"],
                            "gov-city-hall")
        self.assertEqual((datex["openingTimesDescription"], english["name"],
                          english["tariffDescription"], english["openingTimesDescription"],
                          "description" in datex, "description" in english),
                         ([lot["opening_hours"], "请于次一工作日 07:30 前驶离"], "市政府大院停车场",
                          ["Free of charge"],
                          [lot["opening_hours"], "Leave by 07:30 on the next workday"],
                          True, False))

    def test_the_whole_demo_city_validates(self):
        sites = self.feed("/v3/parking-sites")
        self.assertEqual(sites["total_count"], 29)
        self.validate("parkapi-v3-parking-site.schema.json", sites)
        self.validate("parkapi-v1-city.schema.json", self.feed("/parkapi/v1/qingzhen"))
        self.validate_datex(self.feed(DATEX_PATH))
        self.validate_datex(self.feed(DATEX_EN_PATH))


class DatexDictionaryTest(unittest.TestCase):
    """The data dictionary as tests/integration/datex_light.py transcribes it says what the
    profile's JSON Schema says: the same members, multiplicities and types, class by class."""

    def test_the_transcription_matches_the_schema(self):
        files = datex_light.schema_files()
        light = files["DATEXII_3_ParkingPublicationLight.json"]["definitions"]
        common = files["DATEXII_3_Common.json"]["definitions"]
        merged = dict(light["ParkingPublicationLight"]["properties"],
                      **common["PayloadPublication"]["properties"])
        classes = {name: (light[name]["properties"], light[name].get("required", []))
                   for name in ("ParkingSite", "ParkingSpace", "Assignment",
                                "LocationAndDimension", "Coordinate", "Dimension")}
        classes["ParkingPublicationLight"] = (merged, common["PayloadPublication"]["required"])
        classes["InternationalIdentifier"] = (common["InternationalIdentifier"]["properties"],
                                              common["InternationalIdentifier"]["required"])
        classes["_PayloadPublication"] = (common["_PayloadPublication"]["properties"],
                                          common["_PayloadPublication"]["required"])
        for name, (properties, required) in classes.items():
            members = {member: spec for member, spec in properties.items()
                       if not member.endswith("Extension")}
            self.assertEqual(set(members), set(datex_light.DICTIONARY[name]), name)
            for member, spec in members.items():
                kind, multiplicity = datex_light.DICTIONARY[name][member]
                self.assertEqual(member in required or member == "parkingPublicationLight",
                                 multiplicity.startswith("1"), f"{name}.{member}")
                self.assertEqual(spec.get("type") == "array", multiplicity.endswith("*"),
                                 f"{name}.{member}")
                ref = spec.get("$ref", spec.get("items", {}).get("$ref", ""))
                said = ref.rsplit("/", 1)[-1].lstrip("_") if ref else "String"
                self.assertTrue(said.endswith(kind), f"{name}.{member}: {said} is not {kind}")

    def test_the_enumerations_parkshare_writes_are_the_profiles(self):
        values = datex_light.enumerations()
        self.assertIn("other", values["ParkingSiteTypeEnum"])
        self.assertLessEqual({"increasing", "decreasing", "stable"},
                             set(values["ParkingOccupancyTrendEnum"]))
        self.assertIn("onlyFor", values["AssignmentTypeEnum"])
        self.assertLessEqual({"disabled", "families", "women", "other"},
                             set(values["UserTypeEnum"]))
        self.assertLessEqual({"bus", "lorry", "motorcycle"}, set(values["VehicleTypeEnum"]))
        self.assertIn("battery", values["FuelTypeEnum"])


if __name__ == "__main__":
    main()
