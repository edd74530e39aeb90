"""The sender as every rule and the reply see it: quoted local parts and full-width domains written so as to hide
our own address or a robot's are read as the mailbox they reach."""

from __future__ import annotations

import pytest
from classifier import robots

from shared.headers import parse_headers, parse_sender

OURS = frozenset({"support@our-shop.com"})


def sender(value: str) -> tuple[str | None, str | None]:
    return parse_sender(parse_headers(f"From: {value}\r\n\r\n".encode()))


@pytest.mark.parametrize(
    "value, address",
    [
        ('"support"@our-shop.com', "support@our-shop.com"),
        ('"supp\\ort"@our-shop.com', "support@our-shop.com"),
        ('"no\\reply"@example.com', "noreply@example.com"),
        ('"post\\master"@example.com', "postmaster@example.com"),
        ("support@ｏur-shop.com", "support@our-shop.com"),
        ("Ana <ana@Example.COM>", "ana@example.com"),
        ('"john doe"@example.com', '"john doe"@example.com'),  # needs its quotes: kept as written
    ],
)
def test_a_quoted_local_part_or_a_full_width_domain_is_the_mailbox_it_reaches(value, address):
    assert sender(value) == (address, None)


@pytest.mark.parametrize(
    "value, rule",
    [
        ('"support"@our-shop.com', "own_address"),
        ("support@ｏur-shop.com", "own_address"),
        ('"no\\reply"@example.com', "robot_sender"),
        ('"post\\master"@example.com', "robot_sender"),
    ],
)
def test_the_robot_rules_see_through_quoting(value, rule):
    msg = parse_headers(f"From: {value}\r\nSubject: consulta\r\n\r\n".encode())
    assert robots.robot_rule(msg, OURS) == rule
