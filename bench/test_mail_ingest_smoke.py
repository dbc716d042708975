"""The e-mail ingestion benchmark on a few messages: the mix it builds and a measured run
into tickets. Timings are not asserted (they mean something only at full scale); what
the run did and the structure of its results are."""

from __future__ import annotations

from email import message_from_bytes
from pathlib import Path

import pytest

from bench import mail_ingest
from concierge.mail.models import RawMessage
from concierge.tickets.models import Ticket


def test_the_mix_is_seeded_and_has_what_the_budget_is_measured_with() -> None:
    mix = mail_ingest.build_mix(200, seed=7)

    parsed = [message_from_bytes(raw) for raw in mix]
    subjects = [str(message["Subject"]) for message in parsed]
    again = [str(message_from_bytes(raw)["Subject"]) for raw in mail_ingest.build_mix(200, 7)]
    assert subjects == again  # the same choices (Message-IDs and boundaries are new)
    assert any(subject.startswith("Re: ") for subject in subjects)
    assert any(message["Auto-Submitted"] for message in parsed)
    charsets = {part.get_content_charset() for m in parsed for part in m.walk()}
    assert {"koi8-r", "iso-8859-9", "iso-8859-1"} <= charsets
    assert len(set(mix)) < len(mix)  # a few messages fetched twice


@pytest.mark.django_db(transaction=True)
def test_a_run_turns_the_mix_into_tickets_and_empties_its_own_media_folder(
    settings, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path / mail_ingest.MEDIA_FOLDER
    stale = Path(settings.MEDIA_ROOT) / "mail" / "raw" / "earlier-run.eml"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"From: an earlier run")
    messages = mail_ingest.build_mix(40, seed=3)

    result = mail_ingest.run_case(messages, 1, mail_ingest.build_mix(5, seed=4))

    assert not stale.exists()
    assert result["messages"] == 40
    assert sum(result["statuses"].values()) == 40
    assert set(result["statuses"]) <= {"processed", "duplicate"}
    assert result["statuses"]["processed"] == RawMessage.objects.filter(status="processed").count()
    assert Ticket.objects.exists()
    assert result["per_second_per_worker"] > 0
    assert result["cpu_ms_per_message"] > 0
    assert result["within_budget"] == (result["per_second_per_worker"] >= 200)
