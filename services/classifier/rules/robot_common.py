"""The scale every robot rule's weight is on (`robot_*.py`), and the texts the rules read.

A message is a robot's for a reason ("delivery_report", "out_of_office", "automated_notification", ...) when the
weights of the rules that fire for that reason add up to THRESHOLD. Rules that are the same piece of evidence
(an unsubscribe sentence and an unsubscribe link) count once, at the larger weight.

What each rule reads is the tuple it is listed in (see `robots.py`): the subject, the head of the sender's own
text, the whole text (own text and the other alternatives), the links, the sender's local part or domain, or the
header lines ("name: value", one a line). All of it folded (`intents.fold`: lowercase, accents removed).
"""

from __future__ import annotations

DECIDES = 4  # one rule is enough: no person writes this to a shop
STRONG = 2  # a strong hint: one more independent signal decides
WEAK = 1  # common in people's mail too: counts only next to stronger evidence
THRESHOLD = DECIDES
