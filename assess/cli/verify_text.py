"""What `assess audit verify` prints: the chain, the anchor kept outside the database, and every seal."""

from __future__ import annotations

from assess.record.labels import count
from assess.services.audit import AuditEvent, ChainCheck
from assess.services.integrity import Checked, restores
from assess.storage.db import Database


def _event_line(e: AuditEvent) -> str:
    return (f"  event {e.id}  {e.at:%Y-%m-%d %H:%M}Z  {e.actor} ({e.role}) at {e.workstation}: "
            f"{e.action} {e.entity} {e.key}")


def print_verification(chain: ChainCheck, checked: Checked, expect: str | None, db: Database) -> int:
    """Print the verdict for a clinic's IT person; the exit status (1 when anything is wrong)."""
    failed = False
    if chain.intact:
        print(f"The audit trail is intact: {count(chain.events, 'event')}, the last hash is {chain.head_hash} "
              f"(event {chain.head_id})")
    else:
        failed = True
        print(f"The audit trail is BROKEN at event {chain.broken_at}: {chain.reason} "
              f"({count(chain.events, 'event')} before it intact)")
    if expect is not None:
        failed |= not _print_anchor(chain, expect, db)
    print(f"Seals checked: {count(checked.visits, 'signed visit')}, "
          f"{count(checked.toxin_sessions, 'signed toxin session')}, {count(checked.addenda, 'addendum', 'addenda')}"
          f", {count(checked.users, 'user')}" + ("; all as sealed." if not checked.problems else "."))
    if checked.problems:
        failed = True
        print(f"CHANGED OUTSIDE ASSESS ({len(checked.problems)}):")
        for problem in checked.problems:
            print(f"  - {problem.text}")
    if chain.intact and expect is None:
        print(f"Keep this line outside the database (e.g. in the backup log) to check later that the trail was not "
              f"rewritten: assess audit verify --expect {chain.head_hash}")
    return 1 if failed else 0


def _print_anchor(chain: ChainCheck, expect: str, db: Database) -> bool:
    if chain.anchor_at is not None and (chain.broken_at is None or chain.broken_at > chain.anchor_at):
        print(f"The hash you kept is event {chain.anchor_at} of this chain: nothing up to it was changed, removed "
              "or rewritten.")
        if chain.after_anchor:
            print(f"Since then, {count(len(chain.after_anchor), 'change')} to users or to the whole database to "
                  "confirm (the chain cannot tell one made outside assess from one made in it):")
            for e in chain.after_anchor:
                print(_event_line(e))
        return True
    if chain.anchor_at is not None:
        print(f"The hash you kept is event {chain.anchor_at}, but the chain is broken before it.")
        return False
    with db.read() as session:
        found = restores(session)
    print("NOT FOUND: no event of this chain has the hash you kept: the trail was rewritten or cut back since you "
          "noted it (or this is another database).")
    for restore in found:
        after = restore.after if isinstance(restore.after, dict) else {}
        head = after.get("replaced_chain_head") or {}
        kept = after.get("kept_copy")
        exact = head.get("hash") == expect
        print(f"{'It is the head of' if exact else 'If you noted it before event ' + str(restore.id) + ', it is in'} "
              f"the database the restore of {restore.at:%Y-%m-%d %H:%M}Z by {restore.actor} (event {restore.id}) "
              f"replaced" + (f", kept as {kept}: check it there" if kept else "") + ".")
    return False
