import pytest

from concierge.mail.imap_utf7 import decode_folder, encode_folder


@pytest.mark.parametrize(
    ("name", "encoded"),
    [
        ("INBOX", "INBOX"),
        ("Kundendienst Türkiye", "Kundendienst T&APw-rkiye"),
        ("Входящие", "&BBIERQQ+BDQETwRJBDgENQ-"),
        ("Tom & Jerry", "Tom &- Jerry"),
        ("日本語", "&ZeVnLIqe-"),
    ],
)
def test_folder_names_round_trip_through_modified_utf7(name, encoded):
    assert encode_folder(name) == encoded
    assert decode_folder(encoded) == name
