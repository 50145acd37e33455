"""DATEX II Parking Light (profile 02-00-00), element by element: the members of each class with
their multiplicity and type as the profile's data dictionary lists them (Table A.3, "Attributes
of the ParkingPublicationLight package", and A.1.1.3's associations; PayloadPublication and
InternationalIdentifier from DATEX II 3's Common package), and a check of a publication
against them that names every element out of place. The enumerations' values are read from
the profile's JSON Schema (tests/data/feeds/datex2-parking-light/), whose definitions the test
of this table compares with it."""

import json
import os
import re

SCHEMA_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "feeds",
                          "datex2-parking-light")

# class -> member -> (type, multiplicity). "_id" is the identifier of identifiable classes.
DICTIONARY = {
    "_PayloadPublication": {
        "_version": ("String", "0..1"), "_modelBaseVersion": ("String", "1..1"),
        "_extensionName": ("String", "0..1"), "_extensionVersion": ("String", "0..1"),
        "_profileName": ("String", "0..1"), "_profileVersion": ("String", "0..1"),
        "parkingPublicationLight": ("ParkingPublicationLight", "1..1")},
    # With the members of PayloadPublication, which it extends.
    "ParkingPublicationLight": {
        "lang": ("Language", "1..1"), "publicationTime": ("DateTime", "1..1"),
        "publicationCreator": ("InternationalIdentifier", "1..1"),
        "name": ("String", "0..1"), "description": ("String", "0..1"),
        "parkingSite": ("ParkingSite", "0..*"), "parkingSpace": ("ParkingSpace", "0..*")},
    "InternationalIdentifier": {
        "country": ("CountryCode", "1..1"), "nationalIdentifier": ("String", "1..1")},
    "ParkingSite": {
        "_id": ("String", "1..1"), "availableSpaces": ("NonNegativeInteger", "0..1"),
        "description": ("String", "0..1"), "equipmentAndServices": ("String", "0..*"),
        "freeParking": ("Boolean", "0..1"), "isOpenNow": ("Boolean", "0..1"),
        "lastUpdate": ("DateTime", "0..1"), "maximumParkingDuration": ("Seconds", "0..1"),
        "name": ("String", "0..1"), "numberOfSpaces": ("NonNegativeInteger", "0..1"),
        "occupancyTrend": ("ParkingOccupancyTrendEnum", "0..1"),
        "openingTimesDescription": ("String", "0..*"),
        "operatorInformation": ("String", "0..*"), "security": ("String", "0..*"),
        "tariffDescription": ("String", "0..*"), "temporaryClosed": ("Boolean", "0..1"),
        "type": ("ParkingSiteTypeEnum", "1..1"), "urlLinkAddress": ("Url", "0..1"),
        "zoneDescription": ("String", "0..*"), "assignedFor": ("Assignment", "0..*"),
        "locationAndDimension": ("LocationAndDimension", "1..1")},
    "ParkingSpace": {
        "_id": ("String", "1..1"), "accessibility": ("AccessibilityEnum", "0..*"),
        "availability": ("AvailabilityEnum", "1..1"), "externalIdentifier": ("String", "0..1"),
        "lastUpdate": ("DateTime", "0..1"), "maximumParkingDuration": ("Seconds", "0..1"),
        "nextAvailableTimeSlot": ("DateTime", "0..*"),
        "parkingSiteReference": ("Reference", "0..1"), "assignedFor": ("Assignment", "0..*"),
        "locationAndDimension": ("LocationAndDimension", "1..1")},
    "Assignment": {
        "additionalAssignment": ("String", "0..1"),
        "availableSpaces": ("NonNegativeInteger", "0..1"), "fuelType": ("FuelTypeEnum", "0..1"),
        "typeOfAssignment": ("AssignmentTypeEnum", "1..1"), "user": ("UserTypeEnum", "0..1"),
        "vehicleType": ("VehicleTypeEnum", "0..1")},
    "LocationAndDimension": {
        "level": ("Integer", "0..1"), "locationDescriptor": ("String", "0..1"),
        "roadName": ("String", "0..1"), "roadNumber": ("String", "0..1"),
        "specificAccessInformation": ("String", "0..*"),
        "gmlLinearRing": ("GmlLinearRing", "0..1"), "dimension": ("Dimension", "0..1"),
        "coordinatesForDisplay": ("Coordinate", "1..1")},
    "Coordinate": {"latitude": ("Float", "1..1"), "longitude": ("Float", "1..1")},
    "Dimension": {
        "height": ("MetresAsFloat", "0..1"), "length": ("MetresAsFloat", "0..1"),
        "orientationOfLengthAxis": ("AngleInDegrees", "0..1"),
        "usableArea": ("SquareMetres", "0..1"), "width": ("MetresAsFloat", "0..1")},
    "GmlLinearRing": {"posList": ("String", "1..1")},
    "Reference": {"_id": ("String", "1..1"), "targetClass": ("String", "1..1")},
}

RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")


def schema_files():
    """The profile's JSON Schema files, by name."""
    files = {}
    for name in os.listdir(SCHEMA_DIR):
        if name.startswith("DATEXII_3_"):
            with open(os.path.join(SCHEMA_DIR, name), encoding="utf-8") as source:
                files[name] = json.load(source)
    return files


def enumerations():
    """Every enumeration's values, from the schema (without the encoding's "_extended")."""
    values = {}
    for schema in schema_files().values():
        for name, definition in schema["definitions"].items():
            if name.endswith("Enum") and not name.startswith("_"):
                values[name] = [value for value in definition["enum"] if value != "_extended"]
    return values


def _scalar(kind, value, enums):
    """Whether value is of the DATEX II datatype kind."""
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    whole = isinstance(value, int) and not isinstance(value, bool)
    if kind.endswith("Enum"):
        # The JSON encoding's enumeration: {"value": one of the values}.
        return (isinstance(value, dict) and set(value) == {"value"}
                and value["value"] in enums[kind])
    return {
        "String": isinstance(value, str), "Url": isinstance(value, str),
        "Language": isinstance(value, str) and re.fullmatch(r"[a-z]{2}", value) is not None,
        "CountryCode": isinstance(value, str) and re.fullmatch(r"[A-Z]{2}", value) is not None,
        "Boolean": isinstance(value, bool),
        "DateTime": isinstance(value, str) and RFC3339.match(value) is not None,
        "NonNegativeInteger": whole and 0 <= value <= 2147483647,
        "SquareMetres": whole and value >= 0,
        "AngleInDegrees": whole and 0 <= value <= 359,
        "Integer": whole or (isinstance(value, str) and re.fullmatch(r"-?\d+", value)),
        "Float": number, "Seconds": number, "MetresAsFloat": number,
    }[kind]


def check(value, kind, where="publication", enums=None):
    """Every way value departs from the dictionary's kind, as "where: what" lines."""
    enums = enumerations() if enums is None else enums
    if kind not in DICTIONARY:
        return [] if _scalar(kind, value, enums) else [f"{where}: {value!r} is not a {kind}"]
    if not isinstance(value, dict):
        return [f"{where}: {value!r} is not a {kind}"]
    errors = [f"{where}: {name} is no member of {kind}" for name in value
              if name not in DICTIONARY[kind]]
    for name, (member_kind, multiplicity) in DICTIONARY[kind].items():
        if name not in value:
            if multiplicity.startswith("1"):
                errors.append(f"{where}: {kind} requires {name}")
            continue
        if multiplicity.endswith("*"):
            if not isinstance(value[name], list):
                errors.append(f"{where}.{name}: {multiplicity} is an array")
                continue
            for index, item in enumerate(value[name]):
                errors += check(item, member_kind, f"{where}.{name}[{index}]", enums)
        else:
            errors += check(value[name], member_kind, f"{where}.{name}", enums)
    return errors
