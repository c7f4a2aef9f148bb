"""End-to-end tests: the field-feedback ledger (`manualgen feedback`).

A hall's report goes in with `add`, HQ answers it with `accept` or
`reject`, `list` and `show` read the ledger, and `page` gives HQ's page.
Each test gets a fresh workspace (tests/fixtures/basic as content/); the
error messages themselves are pinned by tests/errors/feedback-*.case.
"""
import datetime
import os
import shutil
import stat
import subprocess
import unicodedata

import e2e
import harness
from harness import run, write


def fb(ws, *args, **env):
    return run(["feedback", "--content", "content"] + list(args), ws, **env)


def ledger_file(ws, fid):
    return os.path.join(ws, "content", "feedback", fid + ".xml")


def read_bytes(path):
    with open(path, "rb") as f:
        return f.read()


def item_xml(fid, status="open", rest="", store="a-std", section="rounds",
             text="巡视表太长，一个人巡一遍要二十分钟。", date="2026-01-02"):
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<feedback id="{fid}">\n'
            f"  <date>{date}</date>\n"
            f"  <store>{store}</store>\n"
            f"  <section>{section}</section>\n"
            f"  <text>{text}</text>\n"
            f"  <status>{status}</status>\n"
            f"{rest}"
            f"</feedback>\n")


def columns(line):
    """The display column where each field of a `list` line starts (two
    spaces or more separate fields; CJK characters take two columns)."""
    starts, col, prev_space, spaces = [0], 0, False, 0
    for ch in line:
        if ch == " ":
            spaces += 1
        else:
            if spaces >= 2 and col > 0:
                starts.append(col)
            spaces = 0
        col += 2 if unicodedata.east_asian_width(ch) in "WF" else 1
    return starts


def test_feedback_add_list_accept_reject_show_cycle():
    ws = harness.workspace()
    try:
        r = fb(ws, "add", "--store", "a-std", "--section", "rounds#开门巡视",
               "--post", "clerk", "--text",
               "手册写开门巡视在八点十分，可本厅八点半才开门，"
               "前二十分钟大堂里没有客户，这一轮查不出问题。")
        assert r.code == 0 and r.out == "FB-0001\n" and r.err == "", r
        # the heading may be given as its text: it is stored as its slug
        r = fb(ws, "add", "--store", "b-county", "--section", "manager",
               "--text", "县级厅只有一名店长，\n表格里的大堂经理一栏填不了。")
        assert r.code == 0 and r.out == "FB-0002\n", r
        r = fb(ws, "add", "--store", "a-flag", "--section", "lobby#现场秩序",
               "--post", "lobby-manager", "--text", "叫号机放在门口挡路。")
        assert r.code == 0 and r.out == "FB-0003\n", r
        text = read_bytes(ledger_file(ws, "FB-0001")).decode()
        assert '<section heading="开门巡视">rounds</section>' in text, text
        assert "<post>clerk</post>" in text and "<status>open</status>" in text

        r = fb(ws, "list")
        assert r.code == 0 and r.err == "", r
        lines = r.out.splitlines()
        assert [ln.split()[0] for ln in lines] == \
            ["FB-0001", "FB-0002", "FB-0003"], r
        assert lines[0].split()[1:6] == ["open", "2026-01-01", "a-std",
                                         "rounds#开门巡视", "clerk"], r
        assert lines[1].split()[5] == "-", r  # no post given
        # aligned for a terminal: every field starts in the same column
        assert len({tuple(columns(ln)[:7]) for ln in lines}) == 1, r.out
        # the text is cut to fit, and a line break does not break the line
        assert lines[0].endswith("…") and "店长， 表格" in lines[1], r.out

        r = fb(ws, "accept", "FB-0001", "--answer",
               "采纳。下一版把开门巡视改到开门后十分钟内。")
        assert r.code == 0 and r.out == "" and r.err == "", r
        r = fb(ws, "reject", "FB-0002", "--answer",
               "不采纳：没有大堂经理的厅，这一栏由店长填写，见岗位职责。")
        assert r.code == 0, r

        r = fb(ws, "show", "FB-0001")
        assert r.code == 0, r
        assert r.out.splitlines() == [
            "FB-0001  accepted",
            "store    a-std",
            "post     clerk",
            "section  rounds#开门巡视",
            "text     手册写开门巡视在八点十分，可本厅八点半才开门，前二十分钟"
            "大堂里没有客户，这一轮查不出问题。",
            "history  2026-01-01  raised",
            "         2026-01-01  accepted: 采纳。下一版把开门巡视改到开门后"
            "十分钟内。",
            "file     content/feedback/FB-0001.xml"], r.out
        r = fb(ws, "show", "FB-0002")
        assert "text     县级厅只有一名店长，\n" \
            "         表格里的大堂经理一栏填不了。\n" in r.out, r
        assert "         2026-01-01  rejected: 不采纳：" in r.out, r

        for args, ids in ((["--status", "open"], ["FB-0003"]),
                          (["--status", "accepted"], ["FB-0001"]),
                          (["--store", "b-county"], ["FB-0002"]),
                          (["--section", "lobby"], ["FB-0003"]),
                          (["--status", "resolved"], [])):
            r = fb(ws, "list", *args)
            assert r.code == 0, r
            assert [ln.split()[0] for ln in r.out.splitlines()] == ids, r
        # a hall or section of the content that no item names: nothing
        r = fb(ws, "list", "--section", "county")
        assert r.code == 0 and r.out == "" and r.err == "", r
        # one that neither has is a typo
        r = fb(ws, "list", "--store", "a-sdt")
        assert r.code == 1 and r.out == "", r
        assert "unknown store 'a-sdt': there is no content/stores/a-sdt.xml;" \
            " did you mean 'a-std'?" in r.err, r
    finally:
        shutil.rmtree(ws, ignore_errors=True)


def test_feedback_ids_skip_gaps_and_concurrent_adds_get_distinct_ids():
    ws = harness.workspace()
    try:
        write(ws, "feedback/FB-0001.xml", item_xml("FB-0001"))
        write(ws, "feedback/FB-0005.xml", item_xml("FB-0005"))
        r = fb(ws, "add", "--store", "a-std", "--section", "rounds",
               "--text", "巡视时间与开门时间对不上。")
        # one past the highest: the ids of deleted items are not reused
        assert r.code == 0 and r.out == "FB-0006\n", r
        # several editors at once: each gets an id of its own
        n = 6
        procs = [subprocess.Popen(
            [harness.BINARY, "feedback", "--content", "content", "add",
             "--store", "a-flag", "--section", "manager", "--text",
             f"同时提交的第{i}条"], cwd=ws, env=harness.env(),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for i in range(n)]
        outs = [p.communicate(timeout=60) for p in procs]
        for p, (out, err) in zip(procs, outs):
            assert p.returncode == 0 and err == "", (out, err)
            assert "Sanitizer" not in err
        ids = sorted(out.strip() for out, _ in outs)
        assert ids == [f"FB-{k:04d}" for k in range(7, 7 + n)], ids
        # every item is whole, and says what its editor wrote
        texts = set()
        for fid in ids:
            body = read_bytes(ledger_file(ws, fid)).decode()
            assert f'<feedback id="{fid}">' in body, body
            texts.add(body.split("<text>")[1].split("</text>")[0])
        assert texts == {f"同时提交的第{i}条" for i in range(n)}, texts
        r = fb(ws, "list")
        assert r.code == 0 and len(r.out.splitlines()) == 3 + n, r
        # nothing but items is left in the folder
        left = sorted(os.listdir(os.path.join(ws, "content", "feedback")))
        assert left == sorted(["FB-0001.xml", "FB-0005.xml", "FB-0006.xml"] +
                              [i + ".xml" for i in ids]), left
    finally:
        shutil.rmtree(ws, ignore_errors=True)


def test_feedback_dates_follow_source_date_epoch():
    ws = harness.workspace()
    try:
        r = fb(ws, "add", "--store", "a-std", "--section", "rounds",
               "--text", "巡视表太长。", SOURCE_DATE_EPOCH="1770681600")
        assert r.code == 0, r
        r = fb(ws, "accept", "FB-0001", "--answer", "采纳。",
               SOURCE_DATE_EPOCH="1771891200")
        assert r.code == 0, r
        body = read_bytes(ledger_file(ws, "FB-0001")).decode()
        assert "<date>2026-02-10</date>" in body, body
        assert '<answer date="2026-02-24">采纳。</answer>' in body, body
        # without SOURCE_DATE_EPOCH, today (UTC)
        before = datetime.datetime.now(datetime.timezone.utc).date()
        r = fb(ws, "add", "--store", "a-std", "--section", "rounds",
               "--text", "今天提交。", SOURCE_DATE_EPOCH="")
        after = datetime.datetime.now(datetime.timezone.utc).date()
        assert r.code == 0, r
        body = read_bytes(ledger_file(ws, "FB-0002")).decode()
        assert any(f"<date>{d.isoformat()}</date>" in body
                   for d in (before, after)), body
        # the same inputs, the same page
        p1 = fb(ws, "page", SOURCE_DATE_EPOCH="1771891200")
        p2 = fb(ws, "page", SOURCE_DATE_EPOCH="1771891200")
        assert p1.code == 0 and p1.out == p2.out, p1
        assert '<time datetime="2026-02-10">2026-02-10</time>' in p1.out
        assert "生成于：2026-02-24" in p1.out, p1.out[-500:]
    finally:
        shutil.rmtree(ws, ignore_errors=True)


def test_feedback_corrupt_file_is_reported_and_never_overwritten():
    ws = harness.workspace()
    try:
        write(ws, "feedback/FB-0001.xml", item_xml("FB-0001"))
        broken = item_xml("FB-0002", text="巡视 & 检查")
        write(ws, "feedback/FB-0002.xml", broken)
        position = ("content/feedback/FB-0002.xml:6:12: error: a bare '&' "
                    "must be written '&amp;' (libxml2: xmlParseEntityRef: "
                    "no name)")
        # list and show still work for the other items, but exit 1
        r = fb(ws, "list")
        assert r.code == 1 and position in r.err.splitlines(), r
        assert [ln.split()[0] for ln in r.out.splitlines()] == ["FB-0001"], r
        r = fb(ws, "show", "FB-0001")
        assert r.code == 1 and r.out.startswith("FB-0001  open\n"), r
        assert position in r.err.splitlines(), r
        r = fb(ws, "show", "FB-0002")
        assert r.code == 1 and r.out == "", r
        assert "content/feedback/FB-0002.xml: error: feedback item " \
            "'FB-0002' cannot be used: its file has errors" in r.err, r
        # no change is made while a file is broken, and it is not rewritten
        good = read_bytes(ledger_file(ws, "FB-0001"))
        for args in (["accept", "FB-0002", "--answer", "采纳。"],
                     ["reject", "FB-0001", "--answer", "不采纳。"],
                     ["add", "--store", "a-std", "--section", "rounds",
                      "--text", "新的反馈。"]):
            r = fb(ws, *args)
            assert r.code == 1 and position in r.err.splitlines(), r
            assert r.err.splitlines()[-1].startswith(
                "manualgen: error: the feedback ledger has errors (above); "
                "correct them first: nothing was "), r
        assert read_bytes(ledger_file(ws, "FB-0002")) == broken.encode()
        assert read_bytes(ledger_file(ws, "FB-0001")) == good
        assert sorted(os.listdir(os.path.join(ws, "content", "feedback"))) \
            == ["FB-0001.xml", "FB-0002.xml"]
        r = fb(ws, "page")
        assert r.code == 1 and r.out == "", r
    finally:
        shutil.rmtree(ws, ignore_errors=True)


def test_feedback_refuses_what_is_not_a_regular_file():
    ws = harness.workspace()
    try:
        write(ws, "feedback/FB-0001.xml", item_xml("FB-0001"))
        os.mkfifo(ledger_file(ws, "FB-0002"))
        os.makedirs(ledger_file(ws, "FB-0003"))
        outside = os.path.join(ws, "outside.xml")
        with open(outside, "w", encoding="utf-8") as f:
            f.write(item_xml("FB-0004"))
        os.symlink(outside, ledger_file(ws, "FB-0004"))
        r = fb(ws, "list")  # a FIFO must not make it wait
        assert r.code == 1, r
        err = r.err.splitlines()
        assert "content/feedback/FB-0002.xml: error: cannot read: it is a " \
            "FIFO, not a regular file" in err, r
        assert "content/feedback/FB-0003.xml: error: cannot read: it is a " \
            "folder, not a regular file" in err, r
        assert "content/feedback/FB-0004.xml: error: cannot read: it is " \
            "outside the content and templates folders (a symbolic link?)" \
            in err, r
        assert [ln.split()[0] for ln in r.out.splitlines()] == ["FB-0001"], r
        # their ids are taken all the same
        shutil.rmtree(ledger_file(ws, "FB-0003"))
        os.remove(ledger_file(ws, "FB-0002"))
        os.remove(ledger_file(ws, "FB-0004"))
        # a feedback folder that is a link is refused, not written through
        shutil.rmtree(os.path.join(ws, "content", "feedback"))
        os.makedirs(os.path.join(ws, "elsewhere"))
        os.symlink(os.path.join(ws, "elsewhere"),
                   os.path.join(ws, "content", "feedback"))
        r = fb(ws, "add", "--store", "a-std", "--section", "rounds",
               "--text", "写到别处去了吗？")
        assert r.code == 1, r
        assert "content/feedback: error: cannot read the feedback folder: " \
            "it is a symbolic link, not a folder" in r.err, r
        assert os.listdir(os.path.join(ws, "elsewhere")) == [], r
    finally:
        shutil.rmtree(ws, ignore_errors=True)


def test_feedback_text_must_be_plain_text():
    ws = harness.workspace()
    try:
        r = fb(ws, "add", "--store", "a-std", "--section", "rounds",
               "--text", "巡视\x1b[31m表")
        assert r.code == 1, r
        assert "manualgen: error: the text has a control character " \
            "(U+001B) at character 3; write plain text" in r.err, r
        r = fb(ws, "add", "--store", "a-std", "--section", "rounds",
               "--text", " \n　")
        assert r.code == 1 and "manualgen: error: the text is empty" in r.err
        assert not os.path.exists(os.path.join(ws, "content", "feedback")) \
            or os.listdir(os.path.join(ws, "content", "feedback")) == []
        # what is written is escaped in the file, and read back as written
        r = fb(ws, "add", "--store", "a-std", "--section", "rounds",
               "--text", "<b>叫号机</b> & \"排队\"")
        assert r.code == 0, r
        r = fb(ws, "show", "FB-0001")
        assert "text     <b>叫号机</b> & \"排队\"\n" in r.out, r
    finally:
        shutil.rmtree(ws, ignore_errors=True)


def ledger_for_page(ws):
    """Four items, one of each status; FB-0004 resolved by release 1.1."""
    write(ws, "feedback/FB-0001.xml", item_xml(
        "FB-0001", text="开门巡视比开门早二十分钟。\n大堂里还没有客户。"))
    write(ws, "feedback/FB-0002.xml", item_xml(
        "FB-0002", store="b-county", section="county", text="巡视表太长。",
        date="2026-01-03"))
    write(ws, "feedback/FB-0003.xml", item_xml(
        "FB-0003", "rejected", store="a-flag", section="lobby",
        text="&lt;script&gt;alert(1)&lt;/script&gt;",
        rest='  <answer date="2026-01-06">不采纳：见第三章。</answer>\n'))
    write(ws, "feedback/FB-0004.xml", item_xml(
        "FB-0004", "resolved", store="a-flag", section="rounds",
        rest='  <answer date="2026-01-05">采纳：改为十分钟内。</answer>\n'
             '  <resolved version="1.1" date="2026-01-20"/>\n'))


def test_feedback_page_lists_open_items_and_every_history():
    ws = harness.workspace()
    try:
        ledger_for_page(ws)
        out = os.path.join(ws, "feedback.html")
        r = fb(ws, "page", "-o", out)
        assert r.code == 0 and r.out == "" and r.err == "", r
        text = read_bytes(out).decode()
        assert text.startswith("<!DOCTYPE html>\n<html lang=\"zh-CN\">"), text
        p = e2e.Page(text)
        # it stands alone: the stylesheet is inside, nothing is linked
        assert p.find("style") and not p.find("link"), text[:400]
        assert "<title>现场反馈台账 · 测试手册</title>" in text
        assert "待处理：2" in p.text and "已采纳：0" in p.text
        assert "未采纳：1" in p.text and "已修订：1" in p.text
        # open items by section, in the manual's order, then by hall
        assert [a["id"] for t, a in p.elements
                if t == "section" and a.get("class") == "feedback-group"] \
            == ["section-rounds", "section-county", "store-a-std",
                "store-b-county"], p.elements
        assert "现场巡视 › 巡视时间" in p.text
        assert "现场巡视 › 县级厅补充规定" in p.text
        assert "甲市标准厅 · 甲市" in p.text and "乙县营业厅 · 乙市" in p.text
        # each open item links to its full entry; the others are not listed
        assert p.hrefs().count("#FB-0001") == 2, p.hrefs()
        assert p.hrefs().count("#FB-0002") == 2, p.hrefs()
        assert "#FB-0003" not in p.hrefs() and "#FB-0004" not in p.hrefs()
        # every item, with its history
        assert [a["id"] for t, a in p.elements if t == "article"] == \
            ["FB-0001", "FB-0002", "FB-0003", "FB-0004"]
        assert [a["class"] for t, a in p.elements
                if t == "li" and a.get("class", "").startswith(
                    "feedback-event")] == [
            "feedback-event-raised",                             # FB-0001
            "feedback-event-raised",                             # FB-0002
            "feedback-event-raised", "feedback-event-rejected",  # FB-0003
            "feedback-event-raised", "feedback-event-accepted",
            "feedback-event-resolved"]                           # FB-0004
        assert "总部不予采纳总部答复：不采纳：见第三章。" in p.text, p.text
        assert "修订版本：1.1" in p.text, p.text
        assert '<time datetime="2026-01-20">2026-01-20</time>' in text
        # line breaks kept, text escaped
        assert "开门巡视比开门早二十分钟。<br>大堂里还没有客户。" in text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
        assert "<script>" not in text
        # the page is in the manual's language
        write(ws, "manual.xml", read_bytes(
            os.path.join(ws, "content", "manual.xml")).decode()
            .replace('lang="zh-CN"', 'lang="en"'))
        r = fb(ws, "page")
        assert r.code == 0 and r.err == "", r
        p = e2e.Page(r.out)
        assert r.out.startswith("<!DOCTYPE html>\n<html lang=\"en\">")
        for s in ("Field feedback ledger", "Open feedback by section",
                  "Open feedback by store", "Every item and its history",
                  "Open: 2", "Rejected: 1", "Raised by the store",
                  "Rejected by HQ", "HQ's answer: 不采纳：见第三章。",
                  "Resolved in release: 1.1", "Generated on: 2026-01-01"):
            assert s in p.text, (s, p.text)
        for s in ("现场反馈台账", "待处理", "总部", "修订版本", "生成于"):
            assert s not in p.text, (s, p.text)
    finally:
        shutil.rmtree(ws, ignore_errors=True)


def test_feedback_page_without_open_items_says_so():
    ws = harness.workspace()
    try:
        r = fb(ws, "page")
        assert r.code == 0, r
        p = e2e.Page(r.out)
        assert p.text.count("目前没有待答复的反馈。") == 2, p.text
        assert not p.find("article")
    finally:
        shutil.rmtree(ws, ignore_errors=True)


def test_feedback_email_is_a_parameter_from_defaults():
    ws = harness.workspace()
    try:
        r = run(["params", "a-std", "--content", "content"], ws)
        assert r.code == 0, r
        lines = [" ".join(ln.split()) for ln in r.out.splitlines()]
        assert "feedback-email = service-manual@example.com.cn " \
            "content/defaults.xml:23" in lines, r
    finally:
        shutil.rmtree(ws, ignore_errors=True)


def test_feedback_sample_ledger_is_sound():
    """The sample's items load without an error, and each names a hall,
    a section and a heading of the sample manual."""
    content = os.path.join(harness.ROOT, "content")
    r = run(["feedback", "--content", content, "list"], harness.ROOT)
    assert r.code == 0 and r.err == "", r
    lines = r.out.splitlines()
    assert len(lines) >= 5, r
    # "FB-0001  resolved 1.1  2026-10-12  …": the release after "resolved"
    rows = [ln.split() for ln in lines]
    rows = [r_[:2] + r_[3:] if r_[1] == "resolved" else r_ for r_ in rows]
    assert {row[1] for row in rows} >= {"open", "resolved", "rejected"}, r
    ws = harness.workspace(content)
    try:
        for row in rows:
            fid, store, where, post = row[0], *row[3:6]
            # each report would be accepted as it stands today
            r = fb(ws, "add", "--store", store, "--section", where,
                   "--post", post, "--text", "核对")
            assert r.code == 0, (fid, r)
        r = fb(ws, "page")
        assert r.code == 0 and r.err == "", r
    finally:
        shutil.rmtree(ws, ignore_errors=True)
