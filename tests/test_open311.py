"""Open311 GeoReport v2 over real HTTP: a uvicorn server on 127.0.0.1 serving the router for a
district on SQLite and on PostgreSQL, and a client written from the specification's own
examples (http://wiki.open311.org/GeoReport_v2): the example request is posted and read
back in JSON and XML; every mistake a client can make is an Open311 error, nothing stored."""

from __future__ import annotations

import json
import socket
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import attrs
import httpx
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from civicvol import Actor, CivicVol, open_district
from civicvol.cli import cli
from civicvol.domain.service_catalogue import AttributeValue, ServiceAttribute
from civicvol.web.open311 import PREFIX, standalone_app
from civicvol.web.open311.clients import Clients
from tests.conftest import ADMIN, DISPATCHER, PG_URL, require_postgres

uvicorn = pytest.importorskip("uvicorn")

# The specification's example POST (its "Sample Request"), byte for byte but the api_key.
SPEC_EXAMPLE = (
    "api_key={key}&jurisdiction_id={jurisdiction}&service_code=001&lat=37.76524078"
    "&long=-122.4212043&address_string=1234+5th+street&email=smit333%40sfgov.edu"
    "&device_id=tt222111&account_id=123456&first_name=john&last_name=smith&phone=111111111"
    "&description=A+large+sinkhole+is+destroying+the+street"
    "&media_url=http%3A%2F%2Ffarm3.static.flickr.com%2F2002%2F2212426634_5ed477a060.jpg"
    "&attribute[WHISPAWN]=123456&attribute[WHISDORN]=COISL001")
FORM = {"content-type": "application/x-www-form-urlencoded"}
# The element names of the specification's responses.
REQUEST_FIELDS = ["service_request_id", "status", "status_notes", "service_name",
                  "service_code", "description", "agency_responsible", "service_notice",
                  "requested_datetime", "updated_datetime", "expected_datetime", "address",
                  "address_id", "zipcode", "lat", "long", "media_url"]
SERVICE_FIELDS = ["service_code", "service_name", "description", "metadata", "type",
                  "keywords", "group"]
ATTRIBUTE_FIELDS = ["variable", "code", "datatype", "required", "datatype_description",
                    "order", "description", "values"]


@attrs.define
class District:
    civic: CivicVol
    base: str
    http: httpx.Client
    key: str
    jurisdiction: str
    store: str
    team: uuid.UUID
    volunteer: uuid.UUID

    def post(self, body: str | bytes, fmt: str = "json") -> httpx.Response:
        return self.http.post(f"{self.base}/requests.{fmt}", content=body, headers=FORM)

    def spec_example(self, **changes: str) -> str:
        body = SPEC_EXAMPLE.format(key=self.key, jurisdiction=self.jurisdiction)
        for name, value in changes.items():
            old = next(p for p in body.split("&") if p.startswith(name + "="))
            body = body.replace(old, f"{name}={value}" if value is not None else "")
        return body


def serve(app: Any) -> tuple[Any, threading.Thread, int]:
    # IPPROTO_TCP named, so that asyncio sets TCP_NODELAY on the accepted connections (it
    # checks the protocol; a plain socket.socket() has 0, and each answer would then wait
    # some 40 ms for the client's delayed ACK).
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the Open311 test server did not start within 20 s")
        time.sleep(0.02)
    return server, thread, int(sock.getsockname()[1])


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def district(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
             ) -> Iterator[District]:
    schema = ""
    if request.param == "sqlite":
        store = f"sqlite:///{tmp_path_factory.mktemp('open311') / 'dongzhuang.db'}"
        jurisdiction = "dongzhuang"
    else:
        require_postgres()
        schema = jurisdiction = f"o311_{uuid.uuid4().hex[:10]}"
        store = f"{PG_URL}?schema={schema}"
    civic = open_district(store)
    civic.add_service(ADMIN, "001", "垃圾桶占道", "Cans left out 24x7", group="sanitation",
                      keywords=["lorem", "ipsum", "dolor"],
                      description="Garbage or recycling cans left out after collection.",
                      attributes=[
                          ServiceAttribute.checked("WHISPAWN", "number",
                                                   "What is the ticket/tag/DL number?",
                                                   required=True, order=1),
                          ServiceAttribute.checked(
                              "WHISDORN", "singlevaluelist", "Which kind of can?", order=2,
                              values=[AttributeValue.checked("COISL001", "Coil"),
                                      AttributeValue.checked("COISL002", "Bin")])])
    team = civic.create_team(ADMIN, "环境卫生队", "standing", community="东庄社区")
    volunteer = civic.register_volunteer(ADMIN, "周清洁", "13600136000", "东庄社区")
    civic.join_team(ADMIN, team, volunteer)
    key = Clients(civic).create("wechat-mini")
    server, thread, port = serve(standalone_app(civic))
    with httpx.Client(timeout=30) as http:
        yield District(civic, f"http://127.0.0.1:{port}{PREFIX}", http, key, jurisdiction,
                       store, team, volunteer)
    server.should_exit = True
    thread.join(timeout=20)
    civic.close()
    if schema:
        import psycopg

        with psycopg.connect(PG_URL, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def xml(response: httpx.Response) -> ElementTree.Element:
    assert response.headers["content-type"].startswith("text/xml")
    assert response.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    return ElementTree.fromstring(response.content)


def children(element: ElementTree.Element | None) -> list[str]:
    assert element is not None
    return [child.tag for child in element]


class TestTheSpecificationsExamples:
    def test_discovery_names_the_specification_and_both_formats(self, district: District
                                                                  ) -> None:
        answer = district.http.get(f"{district.base}/discovery.json").json()
        endpoint = answer["endpoints"][0]
        assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
        assert endpoint["url"] == district.base
        assert set(endpoint["formats"]) == {"text/xml", "application/json"}
        root = xml(district.http.get(f"{district.base}/discovery.xml"))
        assert root.tag == "discovery"
        assert children(root.find("endpoints/endpoint/formats")) == ["format", "format"]

    def test_services_list_the_catalogue_with_the_specs_elements(self, district: District
                                                                 ) -> None:
        root = xml(district.http.get(f"{district.base}/services.xml"))
        assert root.tag == "services"
        cans = next(s for s in root.findall("service") if s.findtext("service_code") == "001")
        assert children(cans) == SERVICE_FIELDS
        assert cans.findtext("metadata") == "true" and cans.findtext("type") == "realtime"
        assert cans.findtext("keywords") == "lorem, ipsum, dolor"
        as_json = district.http.get(f"{district.base}/services.json").json()
        assert {s["service_code"] for s in as_json} == {"001", "haircut", "haircut-home-visit"}

    def test_a_service_definition_lists_its_attributes(self, district: District) -> None:
        root = xml(district.http.get(f"{district.base}/services/001.xml"))
        assert root.tag == "service_definition" and root.findtext("service_code") == "001"
        first, second = root.findall("attributes/attribute")
        assert children(first) == ATTRIBUTE_FIELDS
        assert (first.findtext("code"), first.findtext("datatype"),
                first.findtext("required")) == ("WHISPAWN", "number", "true")
        assert [v.findtext("key") for v in second.findall("values/value")] == ["COISL001",
                                                                              "COISL002"]
        as_json = district.http.get(f"{district.base}/services/001.json").json()
        assert as_json["attributes"][1]["values"][0] == {"key": "COISL001", "name": "Coil"}

    def test_the_example_request_is_placed_and_read_back_in_both_formats(
            self, district: District) -> None:
        posted = district.post(district.spec_example(), "xml")
        assert posted.status_code == 201, posted.text
        root = xml(posted)
        assert root.tag == "service_requests"
        assert children(root.find("request")) == ["service_request_id", "service_notice",
                                                  "account_id"]
        ident = root.findtext("request/service_request_id")
        assert ident is not None

        order = district.civic.order(ident)
        assert order.channel.value == "open311" and order.service_code == "001"
        assert order.requester == "wechat-mini/123456"
        assert order.attributes == {"WHISPAWN": "123456", "WHISDORN": "COISL001"}
        assert (order.lat, order.long) == (37.76524078, -122.4212043)
        assert order.description == "A large sinkhole is destroying the street"

        read = district.http.get(f"{district.base}/requests/{ident}.json",
                                 params={"api_key": district.key}).json()
        assert len(read) == 1 and list(read[0]) == REQUEST_FIELDS
        request = read[0]
        assert (request["status"], request["service_code"], request["address"]) == (
            "open", "001", "1234 5th street")
        assert request["status_notes"] == "placed, waiting for dispatch"
        assert request["requested_datetime"].endswith("+08:00")
        assert request["lat"] == 37.76524078
        as_xml = xml(district.http.get(f"{district.base}/requests/{ident}.xml",
                                       params={"api_key": district.key}))
        assert children(as_xml.find("request")) == REQUEST_FIELDS
        assert as_xml.findtext("request/service_request_id") == ident
        assert as_xml.findtext("request/description") == request["description"]
        assert as_xml.findtext("request/requested_datetime") == request["requested_datetime"]

    def test_without_an_api_key_a_reader_sees_the_stage_not_the_home(
            self, district: District) -> None:
        ident = district.post(district.spec_example()).json()[0]["service_request_id"]
        public = district.http.get(f"{district.base}/requests/{ident}.json").json()[0]
        assert public["status"] == "open" and public["service_name"] == "垃圾桶占道"
        assert (public["address"], public["description"], public["lat"]) == (None, None, None)

    def test_the_order_cycle_shows_as_status_notes_agency_and_updates(
            self, district: District) -> None:
        app = district.civic
        ident = district.post(district.spec_example()).json()[0]["service_request_id"]
        app.dispatch_order(DISPATCHER, ident, district.team)
        volunteer = Actor("volunteer", str(district.volunteer))
        app.accept_order(volunteer, ident)
        app.complete_order(volunteer, ident, "1.5", served=1)
        read = district.http.get(f"{district.base}/requests/{ident}.json").json()[0]
        assert read["status"] == "closed"
        assert read["agency_responsible"] == "环境卫生队"
        assert read["status_notes"] == "completed by team 环境卫生队"
        assert read["updated_datetime"] >= read["requested_datetime"]
        updates = district.http.get(f"{district.base}/servicerequestupdates.json",
                                    params={"service_request_id": ident}).json()
        assert [u["description"] for u in updates] == [
            "placed, waiting for dispatch", "dispatched to team 环境卫生队",
            "accepted by a volunteer of team 环境卫生队", "completed by team 环境卫生队"]
        assert [u["status"] for u in updates] == ["open", "open", "open", "closed"]
        root = xml(district.http.get(f"{district.base}/servicerequestupdates.xml",
                                     params={"service_request_id": ident}))
        assert root.tag == "service_request_updates"
        assert children(root.find("request_update")) == [
            "update_id", "service_request_id", "status", "updated_datetime", "description",
            "media_url"]

    def test_a_cancelled_request_says_why(self, district: District) -> None:
        ident = district.post(district.spec_example()).json()[0]["service_request_id"]
        district.civic.cancel_order(DISPATCHER, ident, "居民已自行处理")
        read = district.http.get(f"{district.base}/requests/{ident}.json").json()[0]
        assert (read["status"], read["status_notes"]) == ("closed", "cancelled: 居民已自行处理")

    def test_requests_filter_by_ids_code_status_dates_and_pages(self, district: District
                                                                ) -> None:
        first = district.post(district.spec_example()).json()[0]["service_request_id"]
        second = district.post(district.spec_example()).json()[0]["service_request_id"]
        url = f"{district.base}/requests.json"
        both = district.http.get(url, params={"service_request_id": f"{first},{second}"})
        assert {r["service_request_id"] for r in both.json()} == {first, second}
        newest = district.http.get(url, params={"service_code": "001", "status": "open",
                                                "page_size": "1"}).json()
        assert [r["service_request_id"] for r in newest] == [second]
        next_page = district.http.get(url, params={"service_code": "001", "status": "open",
                                                   "page_size": "1", "page": "2"}).json()
        assert [r["service_request_id"] for r in next_page] == [first]
        assert district.http.get(url, params={"service_code": "haircut"}).json() == []
        closed = district.http.get(url, params={"status": "closed"}).json()
        assert closed and {r["status"] for r in closed} == {"closed"}
        later = district.http.get(url, params={"start_date": "2999-01-01T00:00:00Z"}).json()
        assert later == []
        window = district.http.get(url, params={"start_date": "2020-01-01T00:00:00+08:00",
                                                "end_date": "2999-01-01T00:00:00Z"}).json()
        assert {first, second} <= {r["service_request_id"] for r in window}

    def test_a_token_answers_for_the_request_it_stands_for(self, district: District) -> None:
        ident = district.post(district.spec_example()).json()[0]["service_request_id"]
        answer = district.http.get(f"{district.base}/tokens/{ident}.json").json()
        assert answer == [{"service_request_id": ident, "token": ident}]
        root = xml(district.http.get(f"{district.base}/tokens/{ident}.xml"))
        assert children(root.find("request")) == ["service_request_id", "token"]


def error_of(response: httpx.Response, status: int) -> str:
    """The Open311 error list of a refused request, in the format asked for."""
    assert response.status_code == status, response.text
    if response.headers["content-type"].startswith("text/xml"):
        root = xml(response)
        assert root.tag == "errors" and children(root.find("error")) == ["code", "description"]
        assert root.findtext("error/code") == str(status)
        return root.findtext("error/description") or ""
    errors = response.json()
    assert isinstance(errors, list) and errors[0]["code"] == status
    return str(errors[0]["description"])


class TestMistakesAreOpen311Errors:
    @pytest.mark.parametrize(("changes", "status", "says"), [
        ({"api_key": None}, 401, "api_key is missing"),
        ({"api_key": "c311_not-a-key"}, 401, "not known here"),
        ({"service_code": "999"}, 404, "no service with code '999'"),
        ({"service_code": None}, 400, "service_code is missing"),
        ({"account_id": None}, 400, "account_id is missing"),
        ({"lat": "north"}, 400, "lat 'north' is not a number"),
        ({"lat": "91"}, 400, "between -90 and 90"),
        ({"long": None}, 400, "give lat and long together"),
        ({"lat": None, "long": None, "address_string": None}, 400, "say where"),
        ({"attribute[WHISPAWN]": "abc"}, 400, "is a number"),
        ({"attribute[WHISPAWN]": None}, 400, "needs attribute 'WHISPAWN'"),
        ({"attribute[WHISDORN]": "COISL009"}, 400, "has no value 'COISL009'"),
        ({"attribute[WHISDORN]": "COISL001&attribute[COLOUR]=red"}, 400,
         "has no attribute 'COLOUR'"),
        ({"description": "x" * 3000}, 400, "shorten it"),
        ({"description": "%ff%fe"}, 400, "not UTF-8"),
        ({"description": "a%00b"}, 400, "control character"),
        ({"jurisdiction_id": "kunming"}, 404, "is not served here"),
        ({"account_id": "1&account_id=2"}, 400, "given 2 times"),
        ({"account_id": "y" * 90}, 400, "at most 100"),
    ])
    def test_a_bad_request_is_refused_and_nothing_is_stored(
            self, district: District, changes: dict[str, Any], status: int, says: str
    ) -> None:
        before = district.civic.event_count()
        for fmt in ("json", "xml"):
            assert says in error_of(district.post(district.spec_example(**changes), fmt),
                                    status)
        assert district.civic.event_count() == before

    def test_a_body_that_is_not_utf8_or_too_big_is_refused(self, district: District) -> None:
        before = district.civic.event_count()
        raw = district.spec_example().encode().replace(b"A+large", b"A\xff\xfelarge")
        assert "not UTF-8" in error_of(district.post(raw), 400)
        huge = district.spec_example(description="x" * 70_000)
        assert "send at most" in error_of(district.post(huge), 400)
        assert district.civic.event_count() == before

    def test_a_retired_service_and_a_revoked_key_are_refused(self, district: District) -> None:
        app = district.civic
        app.add_service(ADMIN, "tmp-1", "临时", "Temporary")
        app.retire_service(ADMIN, "tmp-1", "试用结束")
        body = district.spec_example(service_code="tmp-1", **{"attribute[WHISPAWN]": None,
                                                               "attribute[WHISDORN]": None})
        before = app.event_count()
        assert "was retired" in error_of(district.post(body), 400)
        clients = Clients(app)
        spare = clients.create(f"hotline-{uuid.uuid4().hex[:6]}")
        name = next(c["name"] for c in clients.list()
                    if c["name"].startswith("hotline-") and c["status"] == "active")
        clients.revoke(name, "热线系统停用")
        revoked = district.spec_example().replace(district.key, spare)
        assert "was revoked" in error_of(district.post(revoked), 403)
        assert app.event_count() == before

    @pytest.mark.parametrize(("path", "params", "status", "says"), [
        ("requests.json", {"start_date": "yesterday"}, 400, "not an ISO 8601"),
        ("requests.json", {"start_date": "2026-12-01T09:00:00"}, 400, "with its zone"),
        ("requests.json", {"status": "pending"}, 400, "not open or closed"),
        ("requests.json", {"page_size": "0"}, 400, "from 1 to 1000"),
        ("requests.json", {"page": "-1"}, 400, "whole number"),
        ("requests.json", {"service_request_id": "42"}, 400, "not a service request id"),
        ("requests.json", {"api_key": "wrong"}, 401, "not known here"),
        ("requests.xml", {"jurisdiction_id": "kunming"}, 404, "is not served here"),
        ("requests/not-an-id.json", {}, 400, "not a service request id"),
        (f"requests/{uuid.UUID(int=1)}.xml", {}, 404, "no service request"),
        (f"tokens/{uuid.UUID(int=1)}.json", {}, 404, "no service request"),
        ("services/nope.xml", {}, 404, "no service with code 'nope'"),
        ("services.yaml", {}, 404, "format 'yaml' is not served"),
        ("complaints.json", {}, 404, "not an Open311 GeoReport v2 endpoint"),
        ("servicerequestupdates.json", {"end_date": "soon"}, 400, "not an ISO 8601"),
    ])
    def test_a_bad_read_is_an_open311_error(self, district: District, path: str,
                                            params: dict[str, str], status: int,
                                            says: str) -> None:
        response = district.http.get(f"{district.base}/{path}", params=params)
        assert says in error_of(response, status)

    def test_a_bad_utf8_query_is_refused(self, district: District) -> None:
        response = district.http.get(f"{district.base}/requests.json?service_code=%ff")
        assert "not UTF-8" in error_of(response, 400)

    def test_a_district_speaking_chinese_explains_in_chinese(self, district: District) -> None:
        from civicvol.i18n import set_language

        set_language("zh_CN")
        try:
            response = district.http.get(f"{district.base}/requests.json",
                                         params={"status": "pending"})
            assert "不是 open 或 closed" in error_of(response, 400)
            ident = district.post(district.spec_example()).json()[0]["service_request_id"]
            read = district.http.get(f"{district.base}/requests/{ident}.json").json()[0]
            assert read["status_notes"] == "已下单，等待派单"
        finally:
            set_language(None)

    def test_the_right_jurisdiction_is_served(self, district: District) -> None:
        response = district.http.get(f"{district.base}/services.json",
                                     params={"jurisdiction_id": district.jurisdiction})
        assert response.status_code == 200


FIELDS = ["api_key", "service_code", "lat", "long", "address_string", "account_id",
          "description", "jurisdiction_id", "attribute[WHISPAWN]", "attribute[WHISDORN]",
          "attribute[WHISDORN][]", "email", "page"]


class TestNoRequestBreaksTheServer:
    @settings(max_examples=40, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(form=st.lists(st.tuples(st.sampled_from(FIELDS),
                                   st.text(max_size=30) | st.sampled_from(
                                       ["001", "COISL001", "37.7", "nan", "-1e999", "123456"])),
                         max_size=12),
           key=st.booleans(), raw=st.binary(max_size=40))
    def test_any_form_is_a_201_or_a_4xx_that_stores_nothing(
            self, district: District, form: list[tuple[str, str]], key: bool,
            raw: bytes) -> None:
        from urllib.parse import urlencode

        body = urlencode(([("api_key", district.key)] if key else []) + form).encode()
        body += b"&description=" + raw if raw else b""
        before = district.civic.event_count()
        response = district.post(body)
        assert response.status_code in (201, 400, 401, 403, 404), response.text
        if response.status_code != 201:
            assert isinstance(response.json(), list)
            assert district.civic.event_count() == before


class TestClientApplications:
    def run(self, store: str, *args: str, actor: str | None = "administrator:admin-1") -> Any:
        argv = ["--store", store] + (["--as", actor] if actor else [])
        return CliRunner().invoke(cli, [*argv, "client", *args], catch_exceptions=False,
                                  prog_name="civicvol")

    def test_a_key_is_printed_once_and_only_its_hash_is_kept(self, district: District
                                                             ) -> None:
        name = f"mini-{uuid.uuid4().hex[:6]}"
        created = self.run(district.store, "create", name)
        assert created.exit_code == 0, created.output
        key = created.stdout.strip().splitlines()[-1]
        assert key.startswith("c311_") and len(key) > 40
        listed = json.loads(self.run(district.store, "list", "--json", actor=None).stdout)
        assert {"name": name, "status": "active"}.items() <= next(
            c for c in listed if c["name"] == name).items()
        assert key not in json.dumps(listed)
        if district.store.startswith("sqlite"):
            path = district.store.removeprefix("sqlite:///")
            with sqlite3.connect(path) as db:
                dump = "\n".join(db.iterdump())
        else:
            import psycopg

            with psycopg.connect(PG_URL) as db:
                rows = db.execute(f'SELECT * FROM "{district.jurisdiction}".'
                                  "civicvol_open311_clients").fetchall()
                dump = repr(rows)
        assert name in dump and key not in dump
        placed = district.post(district.spec_example().replace(district.key, key))
        assert placed.status_code == 201, placed.text
        revoked = self.run(district.store, "revoke", name, "--reason", "换新小程序")
        assert revoked.exit_code == 0, revoked.output
        refused = district.post(district.spec_example().replace(district.key, key))
        assert "was revoked" in error_of(refused, 403)

    @pytest.mark.parametrize(("args", "actor", "says", "code"), [
        (["create", "Bad Name"], "administrator:admin-1", "lower-case letters", 2),
        (["create", "wechat-mini"], "administrator:admin-1", "exists already", 5),
        (["revoke", "nobody", "--reason", "x"], "administrator:admin-1", "no Open311 client",
         3),
        (["create", "sneaky"], "resident:r-1", "only an administrator", 4),
    ])
    def test_client_mistakes_print_one_line(self, district: District, args: list[str],
                                            actor: str, says: str, code: int) -> None:
        before = Clients(district.civic).list()
        result = self.run(district.store, *args, actor=actor)
        assert result.exit_code == code, result.output
        assert says in result.stderr and result.stderr.count("\n") == 1
        assert Clients(district.civic).list() == before


def test_the_client_table_lives_beside_the_store(tmp_path: Path) -> None:
    app = CivicVol(f"sqlite:///{tmp_path / 'x.db'}")
    try:
        clients = Clients(app)
        key = clients.create("hotline")
        assert clients.authenticate(key) == "hotline"
        assert [c["name"] for c in Clients(app).list()] == ["hotline"]
    finally:
        app.close()


def test_the_open311_benchmark_prints_its_ratio() -> None:
    import subprocess
    import sys

    script = Path(__file__).resolve().parent.parent / "benchmarks" / "open311.py"
    done = subprocess.run([sys.executable, str(script), "--orders", "3", "--repeat", "1"],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr + done.stdout
    assert "throughput ratio web / Python API:" in done.stdout
