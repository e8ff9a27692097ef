"""A wave's released comments and their codes as a REFI-QDA (.qdpx) project, for NVivo, ATLAS.ti, MAXQDA and
QualCoder.

Researchers code comments on the "Comments and replies" page as they code interview excerpts, and expect both
in their QDA tool (an outside walk found the accepted codes of comments in no export). Only what that page
shows goes: comments of teams where at least the comment threshold of people wrote
(:func:`research.pulse.replies.comments_for_reply`), each team one text source with its comments in the page's
order (by text, never by arrival), each comment under its question's head line, and each coded comment a
selection of its whole text with its code. Nothing of the response goes along: no id, day, score or reply, and
no GUID made from one.
The whole codebook goes, with GUIDs from code keys, so the codes are the study export's own.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter

from sqlalchemy import select
from sqlalchemy.orm import Session

from research.pulse.errors import PulseError
from research.pulse.replies import comments_for_reply
from research.qdpx_format import NOT_XML, NS
from research.qdpx_writer import export_codes, guid, sub, zip_project
from research.store.models import Code, PulseCommentCode, PulseWave


def export_comments_qdpx(*, session: Session, wave_id: int, threshold: int) -> bytes:
    """The wave's comments a researcher may read, and the codes researchers gave them, as a .qdpx archive.

    Raises:
        PulseError: there is no such wave.
    """
    wave = session.get(PulseWave, wave_id)
    if wave is None:
        raise PulseError(f"There is no pulse wave with id {wave_id}.")
    comments = comments_for_reply(session=session, wave_id=wave_id, threshold=threshold)
    codes = list(session.scalars(select(Code).order_by(Code.position, Code.id)))
    given = {answer: (code_key, coder) for answer, code_key, coder in session.execute(
        select(PulseCommentCode.answer_id, Code.key, PulseCommentCode.coder)
        .join(Code, Code.id == PulseCommentCode.code_id)
        .where(PulseCommentCode.answer_id.in_(list(comments["answer_id"]))))} if len(comments) else {}
    coders = {name: guid("user", name) for name in sorted({coder for _, coder in given.values()})}

    root = ET.Element("Project", xmlns=NS, name=NOT_XML.sub("", f"{wave.title}: comments"), origin="Frontline")
    if coders:
        users = sub(root, "Users")
        for name, user_guid in coders.items():
            sub(users, "User", guid=user_guid, name=name)
    if codes:
        export_codes(sub(sub(root, "CodeBook"), "Codes"), codes, {})
    files: dict[str, bytes] = {}
    if len(comments):
        sources = sub(root, "Sources")
        for team, rows in comments.groupby("team", sort=True):
            source_guid = guid("pulse-team", f"{wave_id}:{team}")
            source = sub(sources, "TextSource", guid=source_guid, name=f"{wave.title} · {team}",
                         plainTextPath=f"internal://{source_guid}.txt")
            parts, length, seen = [], 0, Counter[str]()
            for answer_id, question, comment in zip(rows["answer_id"], rows["question"], rows["comment"]):
                # Named by what the file shows (its team, words and how many times they came before), not by
                # the answer's id: a database administrator mapped an id-derived GUID back to its scores.
                seen[comment] += 1
                key = f"{wave_id}:{team}:{seen[comment]}:{comment}"
                head = f"Q: {question}\n"
                start = length + len(head)
                parts.append(f"{head}{comment}\n\n")
                length += len(parts[-1])
                if answer_id in given:
                    code_key, coder = given[answer_id]
                    selection = sub(source, "PlainTextSelection", guid=guid("pulse-comment", key),
                                    startPosition=start, endPosition=start + len(comment),
                                    creatingUser=coders[coder])
                    coding = sub(selection, "Coding", guid=guid("pulse-coding", key), creatingUser=coders[coder])
                    sub(coding, "CodeRef", targetGUID=guid("code", code_key))
            files[f"sources/{source_guid}.txt"] = "".join(parts).encode("utf-8")
    return zip_project(root, files)

