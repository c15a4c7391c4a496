"""The sync core as a newcomer changes it: one mutation catalogue, an outbox whose wire ids are
given when first sent and never renumbered, optimistic rows merged over the pulled ones."""

from __future__ import annotations

import sqlite3

import httpx
import pytest
from pydantic import BaseModel

from alin_tui import protocol as p
from alin_tui.sandbox.rules import RULES
from alin_tui.store import actions, applicant, outbox, records, sync_state
from alin_tui.store.db import connect
from alin_tui.sync.session import Credentials, Session
from alin_tui.ui.i18n import Translator

# --- the catalogue ---------------------------------------------------------------------------


def test_every_mutation_has_a_model_a_service_a_rule_and_a_label_in_both_languages() -> None:
    assert set(p.MUTATIONS) == set(RULES) == set(p.MutationName.__args__)
    for name, spec in p.MUTATIONS.items():
        assert spec.name == name and spec.service in ("sne", "alin")
        assert issubclass(spec.args, BaseModel)
        for lang in ("fr", "en"):
            label = Translator(lang)(f"operation.{name}")
            assert label != f"operation.{name}" and name not in label, (lang, name)


def test_enqueue_refuses_what_the_catalogue_does_not_describe(tmp_path) -> None:
    db = connect(tmp_path / "store.db")
    with pytest.raises(outbox.InvalidMutation):
        outbox.enqueue(db, "application.create", {"offer_id": 7})
    with pytest.raises(outbox.InvalidMutation):
        outbox.enqueue(db, "offer.bookmark", {})
    with pytest.raises(outbox.InvalidMutation):
        outbox.enqueue(db, "demand.update", {"fields": {"phone": "01"}})  # no base_version
    with pytest.raises(outbox.InvalidMutation):
        outbox.enqueue(db, "demand.update", {"fields": {"nur": "x"}}, base_version=1)
    # a local reference stands for an argument the server will get once it exists
    ref = outbox.ref("upload", "abc")
    assert outbox.enqueue(db, "document.attach", {"slot_id": "s", "upload_id": ref}).key
    assert outbox.rows(db) and all(r.mutation_id is None for r in outbox.rows(db))


# --- optimistic rows ---------------------------------------------------------------------------


def _store_with_demand(tmp_path) -> sqlite3.Connection:
    db = connect(tmp_path / "store.db")
    demand = {"nur": "1111023517879GDPUB", "status": "active", "phone": "01", "version": 4}
    records.put(db, "sne", "demand", "dem-x", 4, demand)
    return db


def test_a_queued_change_is_shown_at_once_as_rows_tagged_with_it(tmp_path) -> None:
    db = _store_with_demand(tmp_path)
    row = actions.update_demand(db, {"phone": "06"}, base_version=4).queued
    local = db.execute("SELECT outbox_key, type, id FROM local_rows").fetchall()
    assert local == [(row.key, "demand", "dem-x")]
    pulled, shown = applicant.load_both(db)
    assert pulled.demand["phone"] == "01"
    assert shown.demand["phone"] == "06" and shown.demand["_pending"]


def test_a_replacement_on_its_way_shows_no_validity_of_the_paper_it_replaces(tmp_path) -> None:
    db = _store_with_demand(tmp_path)
    old = {"kind": "tax_notice", "state": "accepted", "valid_until": "2026-12-31", "version": 2}
    records.put(db, "sne", "document", "pj-x", 2, old)
    with outbox.durable(db):
        outbox.enqueue(
            db, "document.attach", {"slot_id": "pj-x", "upload_id": outbox.ref("upload", "u")}
        )
    pulled, shown = applicant.load_both(db)
    assert pulled.documents["pj-x"]["valid_until"] == "2026-12-31"
    assert shown.documents["pj-x"]["valid_until"] is None


def test_a_refused_change_stops_being_shown_and_stays_listed(tmp_path) -> None:
    db = _store_with_demand(tmp_path)
    row = actions.update_demand(db, {"phone": "06"}, base_version=4).queued
    [sent], _ = outbox.assign_ids(db, "sne", [(row, row.args)])
    with outbox.durable(db):
        outbox.settle(db, sent.key, {"id": sent.mutation_id, "status": "rejected", "code": "x"})
    assert applicant.load(db).demand["phone"] == "01"
    assert [r.state for r in outbox.rows(db)] == ["failed"]


def test_a_row_sent_by_another_process_keeps_its_id_and_a_settled_one_is_not_sent(tmp_path):
    """Two processes syncing one profile: the second read its batch before the first sent it.
    It must replay the first's id (the server answers it once), never give a new one (the
    server would apply the change twice), and not send a row the first has settled."""
    db = _store_with_demand(tmp_path)
    other = connect(tmp_path / "store.db")
    row = actions.update_demand(db, {"phone": "06"}, base_version=4).queued
    read_by_other = [(row, row.args)]  # its batch, read before the first process sent
    [sent], given = outbox.assign_ids(db, "sne", [(row, row.args)])
    assert given == {row.key} and sent.mutation_id == 1
    [replayed], given_by_other = outbox.assign_ids(other, "sne", read_by_other)
    assert replayed.mutation_id == 1 and given_by_other == set()
    with outbox.durable(db):
        outbox.settle(db, sent.key, {"id": 1, "status": "ok"})
    assert outbox.assign_ids(other, "sne", read_by_other) == ([], set())
    other.close()


def test_an_applied_change_stays_shown_until_the_pull_that_acknowledges_it(tmp_path) -> None:
    db = _store_with_demand(tmp_path)
    row = actions.update_demand(db, {"phone": "06"}, base_version=4).queued
    [sent], _ = outbox.assign_ids(db, "sne", [(row, row.args)])
    with outbox.durable(db):
        outbox.settle(db, sent.key, {"id": sent.mutation_id, "status": "ok"})
    assert applicant.load(db).demand["phone"] == "06"  # no flicker back to the pulled value
    cid = outbox.client_id(db)
    sync_state.apply_page(
        db,
        "sne",
        cursor="c1",
        changes=[("put", "demand", "dem-x", 5, {"nur": "1111023517879GDPUB", "phone": "06"})],
        server_today="2026-11-27",
        server_time="2026-11-27T10:00:00Z",
        pulled_at="2026-11-27T10:00:00Z",
        last_mutation_ids={cid: sent.mutation_id},
    )
    assert db.execute("SELECT count(*) FROM local_rows").fetchone() == (0,)
    assert outbox.rows(db, states=("pending", "done")) == []
    assert applicant.load(db).demand["phone"] == "06"


def test_dropping_a_creation_never_sent_drops_what_it_showed(tmp_path) -> None:
    db = connect(tmp_path / "store.db")
    with outbox.durable(db):
        row = outbox.enqueue(db, "application.create", {"offer_id": "of-1"})
    [local_id] = applicant.load(db).applications
    assert local_id == f"{p.LOCAL_PREFIX}{row.key}"
    assert actions.withdraw(db, local_id).dropped
    assert applicant.load(db).applications == {} and outbox.rows(db) == []


# --- wire ids ----------------------------------------------------------------------------------


class LosingAnswers(httpx.BaseTransport):
    """The real sandbox behind it; `lose` makes pushes reach the server and their answers not."""

    def __init__(self) -> None:
        self.real = httpx.HTTPTransport()
        self.lose = False
        self.pushed: list[list[int]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.real.handle_request(request)
        if "/sync/push" in request.url.path:
            import json

            self.pushed.append([m["id"] for m in json.loads(request.content)["mutations"]])
            if self.lose:
                response.read()
                raise httpx.ReadError("answer lost", request=request)
        return response


def test_wire_ids_are_given_at_first_send_kept_on_replay_and_never_reused(sandbox, tmp_path):
    transport = LosingAnswers()
    session = Session(
        tmp_path / "store.db",
        sandbox.url,
        credentials=Credentials("complet", "complet"),
        transport=transport,
    )
    try:
        assert session.sync().error is None
        db = connect(session.store_path)
        actions.refresh_situation(db)
        actions.refresh_situation(db)
        assert [r.mutation_id for r in outbox.pending(db)] == [None, None]
        transport.lose = True
        assert session.sync().error is not None  # reached the server, answer lost
        given = [r.mutation_id for r in outbox.pending(db)]
        assert given == [1, 2]
        transport.lose = False
        assert session.sync().error is None
        assert transport.pushed == [[1, 2], [1, 2]]  # replayed with the same ids
        # a withdraw whose creation never existed fails here, without an id, without a request
        with outbox.durable(db):
            outbox.enqueue(
                db,
                "application.withdraw",
                {"application_id": outbox.ref("application_of_offer", "of-nowhere")},
            )
        actions.refresh_situation(db)
        report = session.sync()
        assert [r["code"] for r in report.rejected] == ["application_unknown"]
        failed = outbox.rows(db, states=("failed",))
        assert [(r.name, r.mutation_id) for r in failed] == [("application.withdraw", None)]
        assert transport.pushed[-1] == [3]  # the next id, not a reused one
    finally:
        session.close()


def test_a_server_that_lost_its_counters_does_not_stop_sync(sandbox, tmp_path) -> None:
    """A rebuilt server at the same address counts from 1 again: the ids of settled rows are
    let go (a conflict stays listed), and the next change is sent and applied."""
    session = Session(
        tmp_path / "store.db", sandbox.url, credentials=Credentials("complet", "complet")
    )
    try:
        assert session.sync().error is None
        db = connect(session.store_path)
        with outbox.durable(db):
            outbox.enqueue(db, "demand.update", {"fields": {"phone": "0600000000"}}, base_version=0)
        assert [c["code"] for c in session.sync().conflicts] == ["conflict"]
        server = sqlite3.connect(sandbox.config.db)
        with server:
            server.execute("DELETE FROM counters")
            server.execute("DELETE FROM results")
        server.close()
        with outbox.durable(db):  # the same service: the server counts from 1 again
            outbox.enqueue(db, "demand.renew", {})
        report = session.sync()
        assert report.error is None  # sent, received and answered (too early to renew)
        assert [(r["name"], r["code"]) for r in report.rejected] == [("demand.renew", "too_early")]
        assert [r.name for r in outbox.rows(db, states=("conflict",))] == ["demand.update"]
        assert not outbox.pending(db)
    finally:
        session.close()
