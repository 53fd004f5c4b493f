"""sync/joining.py without a server: the URL made of address and name, and what a failure
means in words (the window's Connect dialog and status explanation show these)."""

from __future__ import annotations

import pytest

from annotator.sync.connection import HubError
from annotator.sync.joining import address_of, advice, hub_url


def test_the_url_gets_the_name_and_the_address_keeps_no_user_or_password():
    url = hub_url("postgresql://hub.example.org/newsroom?sslmode=require", "alice", "pw")
    assert "user=alice" in url and "password=pw" in url and "sslmode=require" in url
    again = address_of(url)
    assert "alice" not in again and "pw" not in again and "dbname=newsroom" in again
    with pytest.raises(HubError, match="give the hub's address"):
        hub_url("  ", "alice")
    with pytest.raises(HubError, match="is not a hub address"):
        hub_url("nonsense without equals", "alice")


@pytest.mark.parametrize(("message", "title"), [
    ('h: cannot connect: connection to server on socket "/x/.s.PGSQL.5432" failed: '
     "No such file or directory", "The hub cannot be reached"),
    ('h: cannot connect: could not translate host name "hub.nowhere" to address',
     "The hub cannot be reached"),
    ('h: cannot connect: FATAL:  password authentication failed for user "alice"',
     "Wrong password"),
    ("h: cannot connect: fe_sendauth: no password supplied", "Wrong password"),
    ('h: cannot connect: FATAL:  role "zed" does not exist', "Not a member of this hub"),
    ("h: zed is not a member of this hub (the lead adds members ...)",
     "Not a member of this hub"),
    ("h: this hub has schema version 9; this Annotator knows versions up to 1. Install a "
     "newer Annotator to use it.", "This hub needs a newer Annotator"),
    ("h: not an Annotator hub (a lead creates one with 'annotator hub init URL')",
     "Not an Annotator hub"),
    ('h: cannot connect: FATAL:  database "newsrom" does not exist', "No such database"),
    ("h: server closed the connection unexpectedly", "The hub cannot be reached"),
])
def test_each_failure_is_told_by_what_to_do(message, title):
    assert advice(message)[0] == title
