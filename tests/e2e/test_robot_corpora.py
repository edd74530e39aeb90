"""No machine-made message gets a reply, and customers still do, through the classifier's own code path
(`evaluate.classify_file`: the message parsed as the service parses it, then `decide.classify`).

- Every message of tests/data/robots (bounces of many MTAs, ARF/DMARC/TLS reports, written auto-replies and job
  reports; dev and heldout, see its README) is ignored. The heldout messages the rules miss are listed in
  HELDOUT_MISSES: measured, not tuned on; the list must shrink, never grow, and a message that becomes ignored must
  leave it. DEV_MISSES are development messages left answered on purpose (see its comment).
- The customer messages stay answered: tests/data/classifier/es_emails 01-14, the labelled CSV sets (no customer
  ignored, no robot answered), and the ham of ../shared/corpora (only the messages listed in KNOWN_NOT_ANSWERED,
  mailing-list posts and test mails of no-reply senders that the header rules leave unanswered,
  may be ignored, and only those in KNOWN_FOR_A_PERSON left for a person). Tests that need ../shared skip when it
  is absent.
- People who write like notices (tests/data/people) are answered or left for a person (at most one in twenty),
  never ignored, except the held-out messages listed in PEOPLE_IGNORED.
"""

from __future__ import annotations

import collections
import os
from pathlib import Path

import pytest
from classifier import evaluate, robots

from shared.shop import load_shop_config

ROOT = Path(__file__).resolve().parents[2]
ROBOTS = ROOT / "tests" / "data" / "robots"
CLASSIFIER_DATA = ROOT / "tests" / "data" / "classifier"
CORPORA = Path(os.environ.get("REPLYFLOW_CORPORA", ROOT.parent / "shared" / "corpora"))
OWN = ["hola@ropadelsur.com.ar", "soporte@ropadelsur.com.ar"]
SOURCES = sorted(p.name for p in ROBOTS.iterdir() if p.is_dir())

# Heldout messages the robot rules do not catch (docs/robots.md, "Figures").
HELDOUT_MISSES = {
    "node-bounce-handler/heldout/hotmailbounce.txt",
    "notices-eighth/heldout/en-11-influencer-collabs.eml",
    "notices-eighth/heldout/en-24-makers-network-call-moved.eml",
    "notices-eighth/heldout/en-32-stocktake-closed.eml",
    "notices-eighth/heldout/es-01-fotografa-en-sesion.eml",
    "notices-eighth/heldout/es-06-fletero-manejando.eml",
    "notices-eighth/heldout/es-11-mexico-de-viaje.eml",
    "notices-eighth/heldout/es-22-comerciantes-cambio-de-fecha.eml",
    "notices-eighth/heldout/es-23-nueva-york-fashion-week.eml",
    "notices-eighth/heldout/es-24-sin-senal-hasta-el-domingo.eml",
    "notices-eighth/heldout/es-26-curso-de-molderia.eml",
    "notices-eighth/heldout/es-33-correo-que-ya-no-se-revisa.eml",
    "notices-eighth/heldout/job-04-compra-con-tarjeta.eml",
    "notices-fifth/heldout/es-21-crm-tarea-vencida.eml",
    "notices-fifth/heldout/es-26-resenas-pedido-opinion.eml",
    "notices-fourth/heldout/en-14-freight-exception-za.eml",
    "notices-fourth/heldout/en-16-yarn-back-in-stock.eml",
    "notices-more/heldout/es-08-imprenta-corte-de-luz.eml",
    "notices-seventh/heldout/en-34-polybag-maker-leave-today.eml",
    "notices-seventh/heldout/job-10-email-tool-login-code.eml",
    "notices-seventh/heldout/job-18-merceria-baja-de-precio.eml",
    "notices-sixth/heldout/en-14-kenya-sms-gateway-low-balance.eml",
    "notices-sixth/heldout/en-27-ireland-delivery-exception.eml",
    "notices-sixth/heldout/en-28-short-leave-mobile.eml",
    "notices-sixth/heldout/es-22-encuesta-satisfaccion.eml",
    "notices-sixth/heldout/job-04-refund-processed-short.eml",
    "notices-sixth/heldout/job-18-reembolso-cliente.eml",
    "notices-sixth/heldout/job-30-compra-anulada-short.eml",
    "notices-ninth/heldout/en-15-received-empty-subject.eml",
    "notices-ninth/heldout/es-10-peru-gamarra-fiestas-patrias.eml",
    "notices-ninth/heldout/es-32-corto-whatsapp-avios.eml",
    "notices-ninth/heldout/es-36-mensaje-recibido-sin-asunto.eml",
}

# Development messages left answered on purpose: those of the folders whose development half is measured, not
# learned (`train_machine_text.MEASURED_ONLY`: the eighth and ninth notices writers'), that no phrase a person
# would not also write catches (a transport strike's closure, a showroom at a fair that asks back). The phrases
# that would have caught the second notices writer's development messages were withdrawn because people write
# them too; the learned reading of machine-made text now catches those messages, and leaves what it catches for a
# person: docs/robots.md.
DEV_MISSES: set[str] = {
    "notices-eighth/dev/es-19-paro-de-transporte.eml",
    "notices-eighth/dev/es-35-showroom-en-feria.eml",
}

# Messages of the shared ham folders that were never answered: mailing-list posts (Precedence, List-* headers),
# SpamAssassin's SPF test mails from no-reply senders, broken or several From headers, and one advance-fee scam
# a spam filter flagged that asks for a reply to another domain.
KNOWN_NOT_ANSWERED = {
    "mime/spamassassin-testdata/nice": {
        "001", "002", "005", "016", "authres", "base64.txt", "cjk/big5-base64.1", "cjk/gb2312.2",
        "cjk/iso-2022-jp.1", "cjk/iso-2022-jp.2", "mailman_message.txt", "spf1", "spf2", "spf3",
        "spf3-received-spf", "spf4", "spf4-received-spf-nofold", "spf5-received-spf-crlf",
        "spf6-received-spf-crlf2", "unicode2",
    },
    "mime/mikel-mail": {
        "error_emails/bad_date_header.eml", "error_emails/bad_date_header2.eml",
        "error_emails/bad_encoded_subject.eml",
        "error_emails/content_transfer_encoding_7-bit.eml", "error_emails/content_transfer_encoding_with_8bits.eml",
        "error_emails/content_transfer_encoding_x_uuencode.eml", "error_emails/empty_group_lists.eml",
        "error_emails/empty_in_reply_to.eml", "error_emails/encoding_madness.eml",
        "error_emails/must_supply_encoding.eml", "mime_emails/raw_email_encoded_stack_level_too_deep.eml",
        "mime_emails/raw_email_with_mimepart_without_content_type.eml", "plain_emails/mix_caps_content_type.eml",
        "plain_emails/raw_email_incorrect_header.eml", "plain_emails/raw_email_multiple_from.eml",
        "plain_emails/raw_email_trailing_dot.eml", "plain_emails/raw_email_with_at_display_name.eml",
        "rfc2822/example13.eml",
    },
}  # fmt: skip


# Messages of the shared ham folders that are not answered but left for a person: test mails of other projects'
# suites with no text a person would write ("test message", "whitelist test case", "This message has no body!",
# "This is a reply to your reply."), spam samples (a Chinese greeting advertising goods among them), a virus
# scanner's and a fax server's notices, and a survey invitation a subject rule reads as a notice while the model
# reads it as a person's.
KNOWN_FOR_A_PERSON = {
    "mime/spamassassin-testdata/nice": {
        "007", "008", "009", "010", "013", "014", "015", "cjk/gb2312.1", "crlf-endings", "dmarc/noneok.eml",
        "dmarc/quarok.eml", "dmarc/rejectok.eml", "dmarc/strictrejectok.eml", "no_body",
    },
    "mime/mikel-mail": {
        "attachment_emails/attachment_only_email.eml", "error_emails/bad_subject.eml",
        "error_emails/content_transfer_encoding_plain.eml", "error_emails/content_transfer_encoding_text-html.eml",
        "error_emails/content_transfer_encoding_with_semi_colon.eml", "error_emails/invalid_subject_characters.eml",
        "mime_emails/sig_only_email.eml", "plain_emails/raw_email_bad_time.eml",
        "plain_emails/raw_email_quoted_with_0d0a.eml", "plain_emails/raw_email_reply.eml", "rfc2822/example07.eml",
    },
}  # fmt: skip

PEOPLE = ROOT / "tests" / "data" / "people"
# People of the held-out half the robot rules ignore on what no text reading can overrule (measured, not tuned on;
# the list may only shrink).
PEOPLE_IGNORED: set[str] = set()


@pytest.fixture(scope="module")
def shop():
    return load_shop_config(ROOT / "examples" / "shop.toml")


def _family(rule_name: str) -> str:
    """'robots.bounces.sendmail_sections' -> 'bounces'; a header check that is code -> its reason."""
    return rule_name.split(".")[1] if rule_name.startswith("robots.") else rule_name


@pytest.mark.parametrize("source", SOURCES)
def test_every_robot_message_is_ignored(source, shop, capsys):
    decisions = {}
    families: collections.Counter = collections.Counter()
    for part in ("dev", "heldout"):
        files, _ = evaluate.message_files(ROBOTS / source / part)
        for path in files:
            name = f"{source}/{part}/{path.name}"
            decisions[name] = evaluate.classify_file(path, shop, OWN)
            verdict = robots.verdict(evaluate.read_message(path), OWN)
            families.update({_family(rule) for rule in verdict.evidence} or {"none"})
    assert decisions, f"no messages under {ROBOTS / source}"
    replied = {name for name, c in decisions.items() if c.decision != "ignore"}
    reasons = collections.Counter(c.reason for c in decisions.values() if c.decision == "ignore")
    with capsys.disabled():
        print(
            f"\n{source}: {len(decisions) - len(replied)}/{len(decisions)} ignored; "
            f"by reason {dict(reasons.most_common())}; rules by family {dict(families.most_common())}"
        )
    assert replied == {name for name in HELDOUT_MISSES | DEV_MISSES if name.startswith(f"{source}/")}, sorted(replied)


def test_the_spanish_messages_customers_answered_and_robots_ignored(shop):
    files, _ = evaluate.message_files(CLASSIFIER_DATA / "es_emails")
    ignored = {path.name for path in files if evaluate.classify_file(path, shop, OWN).decision == "ignore"}
    # files 01-14 are customers, 20 and above robots
    robots_there = {path.name for path in files if int(path.name.split("-", 1)[0]) >= 20}
    assert len(files) - len(robots_there) >= 14
    assert ignored == robots_there


@pytest.mark.parametrize("name", ["es_shop_emails.csv", "en_chat_questions.csv", "en_policy_questions.csv"])
def test_the_labelled_sets_ignore_no_customer_and_answer_no_robot(name, shop):
    report = evaluate.evaluate_csv(CLASSIFIER_DATA / name, evaluate.load_label_map(None), shop, OWN)
    assert report.total > 0
    assert (report.customers_ignored, report.robots_replied) == (0, 0)
    # the learned reading of machine-made text leaves about 1 person in 500 for a person by design
    assert report.customers_for_a_person <= report.total // 200


def test_the_bitext_set_ignores_no_customer(shop):
    path = CORPORA / "intents" / "bitext-customer-support" / "bitext_dev.csv"
    if not path.is_file():
        pytest.skip(f"{path} is absent: the shared corpora are not next to this checkout")
    report = evaluate.evaluate_csv(path, evaluate.load_label_map("builtin-bitext"), shop, OWN)
    assert report.total > 2000
    assert report.customers_ignored == 0
    assert report.customers_for_a_person <= report.total // 200


@pytest.mark.parametrize("folder", sorted(KNOWN_NOT_ANSWERED))
def test_the_shared_ham_stays_answered(folder, shop):
    if not (CORPORA / folder).is_dir():
        pytest.skip(f"{CORPORA / folder} is absent: the shared corpora are not next to this checkout")
    report = evaluate.evaluate_folder(CORPORA / folder, shop, OWN, expect="customers")
    assert report.files > 50
    ignored = {name for name, _, _ in report.wrong}
    assert ignored <= KNOWN_NOT_ANSWERED[folder], sorted(ignored - KNOWN_NOT_ANSWERED[folder])
    waiting = {name for name, _, _ in report.for_a_person}
    assert waiting <= KNOWN_FOR_A_PERSON[folder], sorted(waiting - KNOWN_FOR_A_PERSON[folder])


@pytest.mark.parametrize("folder", sorted(p.name for p in PEOPLE.iterdir() if p.is_dir()))
def test_people_who_write_like_notices_are_answered_or_left_for_a_person(folder, shop, capsys):
    ignored, waiting, answered = set(), set(), 0
    for part in (part for part in ("dev", "heldout") if (PEOPLE / folder / part).is_dir()):
        report = evaluate.evaluate_folder(PEOPLE / folder / part, shop, OWN, expect="customers")
        assert report.files > 20
        ignored |= {f"{folder}/{part}/{name}" for name, _, _ in report.wrong}
        waiting |= {f"{folder}/{part}/{name}" for name, _, _ in report.for_a_person}
        answered += report.files - len(report.wrong) - len(report.for_a_person)
    with capsys.disabled():
        print(f"\npeople/{folder}: {answered} answered, {len(waiting)} left for a person, {len(ignored)} ignored")
    assert ignored == {name for name in PEOPLE_IGNORED if name.startswith(f"{folder}/")}, sorted(ignored)
    # people written to sound like notices: a few may wait for a person, never a large share
    assert len(waiting) <= (answered + len(waiting) + len(ignored)) // 20, sorted(waiting)
