#!/usr/bin/env python3
"""A LeadDB outbox sender: claims a batch of messages, sends each, and marks it delivered (or failed),
until nothing is left to claim. Several may run at once: none sends a message another has sent.

    python3 outbox_sender.py leads.db mailer-1 [sent.jsonl]

"Sending" here appends the message as a JSON line to sent.jsonl (standard output without it): put the
real delivery (an email, a chat message) in send(). The protocol is in the LeadDB SQL contract
(Schema/README.md, "The outbox"); it works on SQLite 3.35 and later (UPDATE ... RETURNING).
"""
import json
import sqlite3
import sys
import time

BATCH = 20


def claim(db, me):
    """Claims up to BATCH messages for `me`, in one write transaction (BEGIN IMMEDIATE: no other sender
    claims between this read and this write). A busy database is waited for (the timeout) and retried."""
    while True:
        try:
            db.execute("BEGIN IMMEDIATE")
            break
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) and "busy" not in str(error):
                raise
            time.sleep(0.05)
    try:
        rows = db.execute(
            "UPDATE outbox SET claimed_by = ?, claimed_at = (SELECT now FROM clock)"
            " WHERE id IN (SELECT id FROM outbox_claimable LIMIT ?)"
            " RETURNING id, kind, lead_id, rep_id, payload",
            (me, BATCH)).fetchall()
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    return sorted(rows)


class DeliveryError(Exception):
    """The delivery itself failed (the mail server refused, say): reported, and the message is retried later.
    Any other error (this program's own: its output, its disk) stops the sender, reporting nothing: its
    claims run out and the messages are claimed again."""


def send(out, me, message):
    """The delivery itself. Raise DeliveryError to report a failure of this message."""
    message_id, kind, lead_id, rep_id, payload = message
    out.write(json.dumps({"sender": me, "id": message_id, "kind": kind, "lead_id": lead_id,
                          "rep_id": rep_id, "payload": json.loads(payload) if payload else None}) + "\n")
    out.flush()


def write(db, sql, args):
    """One statement in autocommit, retried while another writer holds the lock past the timeout."""
    while True:
        try:
            return db.execute(sql, args).rowcount
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) and "busy" not in str(error):
                raise
            time.sleep(0.05)


def main():
    path, me = sys.argv[1], sys.argv[2]
    out = open(sys.argv[3], "a", encoding="utf-8") if len(sys.argv) > 3 else sys.stdout
    db = sqlite3.connect(path, timeout=5, isolation_level=None)
    sent = lost = failed = 0
    while True:
        batch = claim(db, me)
        if not batch:
            break
        for message in batch:
            try:
                send(out, me, message)
            except DeliveryError as error:  # report it: retried after outbox.retry_seconds
                write(db, "UPDATE outbox SET last_error = ? WHERE id = ? AND claimed_by = ?", (str(error)[:2000], message[0], me))
                failed += 1
                continue
            # Marked only while this sender holds the claim (it lasts outbox.claim_seconds).
            if write(db, "UPDATE outbox SET delivered_at = (SELECT now FROM clock) WHERE id = ? AND claimed_by = ?", (message[0], me)) == 1:
                sent += 1
            else:
                lost += 1
    print(f"{me}: sent {sent}, failed {failed}, claim lost {lost}", file=sys.stderr)


if __name__ == "__main__":
    main()
